"""Branches in admin: their details, and who works at each (a user's branches on the user page too)."""
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .models import Branch, BranchMembership


class MembershipInline(admin.TabularInline):
    model = BranchMembership
    extra = 1
    autocomplete_fields = ("user",)
    verbose_name = "user working here"
    verbose_name_plural = "users working here"


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "state_code", "gstin", "phone", "is_active")
    list_filter = ("is_active", "state_code")
    search_fields = ("code", "name", "address", "gstin")
    inlines = (MembershipInline,)


class UserBranchInline(admin.TabularInline):
    model = BranchMembership
    extra = 1
    autocomplete_fields = ("branch",)
    verbose_name = "branch"
    verbose_name_plural = "branches (a user with several picks one after logging in)"


# Django's auth admin is registered first (INSTALLED_APPS order): add the branches to its user page.
admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class BranchUserAdmin(UserAdmin):
    inlines = (*UserAdmin.inlines, UserBranchInline)
