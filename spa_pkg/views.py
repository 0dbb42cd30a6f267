"""Pages every user meets: the home redirect, login and logout (page permissions: core.permissions)."""
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect


@login_required
def home(request):
    """Send a signed-in user to the billing counter, where the day's work is."""
    return redirect("integrated-billing")


login = auth_views.LoginView.as_view(template_name="registration/login.html", redirect_authenticated_user=True)
logout = auth_views.LogoutView.as_view()
