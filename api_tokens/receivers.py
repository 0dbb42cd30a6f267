"""Every token gets its life row; a changed password revokes the user's tokens."""
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from rest_framework.authtoken.models import Token

from .models import TokenLife
from .services import user_tokens_revoke

User = get_user_model()


@receiver(post_save, sender=Token, dispatch_uid="api_tokens.token_life")
def give_a_new_token_its_life(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        TokenLife.objects.get_or_create(token=instance, defaults={"last_used_at": instance.created})


def _password_changed(instance, update_fields) -> bool:
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return False
    # Django upgrading the stored hash of the same password at sign-in (check_password's
    # setter) saves only the password, after clearing `_password`: that is no new password.
    if update_fields is not None and set(update_fields) == {"password"} and getattr(instance, "_password", 1) is None:
        return False
    stored = User._base_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    return stored is not None and stored != instance.password


@receiver(pre_save, sender=User, dispatch_uid="api_tokens.password_change_seen")
def notice_a_password_change(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._api_tokens_password_changed = not raw and _password_changed(instance, update_fields)


@receiver(post_save, sender=User, dispatch_uid="api_tokens.password_change_revokes")
def revoke_tokens_after_a_password_change(sender, instance, **kwargs):
    # Whatever saved the new password (the admin's form, changepassword, set_password and
    # save, a reset): the old tokens die with the old password.
    if getattr(instance, "_api_tokens_password_changed", False):
        instance._api_tokens_password_changed = False
        user_tokens_revoke(user=instance)
