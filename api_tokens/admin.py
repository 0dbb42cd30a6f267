"""API tokens in admin for managers: who holds one, since when, last used, until when; Revoke.

The key is shown by its first characters only, and every link carries the row's own id:
a manager sees which token is which without seeing one they could use. Tokens are made by
signing in (POST /api/auth/token/), never here.
"""
from django.contrib import admin, messages
from rest_framework.authtoken.models import TokenProxy

from .models import TokenLife
from .services import tokens_revoke

# DRF's own token admin lists every key in full: this one replaces it.
if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)


@admin.register(TokenLife)
class TokenLifeAdmin(admin.ModelAdmin):
    list_display = ("user", "key", "created", "last_used_at", "expires", "live")
    list_select_related = ("token__user",)
    search_fields = ("token__user__username",)
    search_help_text = "Username"
    ordering = ("-last_used_at",)
    actions = ["revoke"]
    fields = ("user", "key", "created", "last_used_at", "expires", "live")
    readonly_fields = fields

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Deleting the row alone would leave the token working: revoking deletes the token.
        actions.pop("delete_selected", None)
        return actions

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Revoke the selected tokens (their keys stop working at once)", permissions=["delete"])
    def revoke(self, request, queryset):
        revoked = tokens_revoke(lives=queryset)
        self.message_user(request, f"{revoked} token(s) revoked.", messages.SUCCESS)

    def delete_model(self, request, obj):
        tokens_revoke(lives=TokenLife.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        tokens_revoke(lives=queryset)

    @admin.display(description="User", ordering="token__user__username")
    def user(self, obj):
        return obj.token.user

    @admin.display(description="Key")
    def key(self, obj):
        return f"{obj.key_prefix}…"

    @admin.display(description="Created", ordering="token__created")
    def created(self, obj):
        return obj.token.created

    @admin.display(description="Expires", ordering="last_used_at")
    def expires(self, obj):
        return obj.expires_at

    @admin.display(description="Live", boolean=True)
    def live(self, obj):
        return not obj.has_expired
