"""The notification log (read-only, with a resend action for failed ones) and the message texts."""
from django.contrib import admin, messages
from django.utils.html import format_html

from core.phones import format_phone

from .messages import preview
from .models import MessageTemplate, Notification, NotificationStatus
from .services import notifications_resend


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "customer", "assignment", "kind", "threshold", "channel", "status", "attempts", "sent_at")
    list_filter = ("status", "kind", "channel", "created_at")
    search_fields = ("customer__name", "customer__phone", "recipient", "assignment__package_name")
    list_select_related = ("customer", "assignment__customer")
    date_hierarchy = "created_at"
    actions = ["resend"]
    # The worker's own bookkeeping (claimed_at) stays out; the number reads as everywhere else.
    fields = (
        "customer", "assignment", "kind", "threshold", "channel", "status", "sent_to", "attempts",
        "provider_message_id", "error", "created_at", "sent_at",
    )
    readonly_fields = fields

    @admin.display(description="Sent to")
    def sent_to(self, obj):
        return format_phone(obj.recipient)  # an e-mail address stays as it is

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Resend the selected failed notifications", permissions=["change"])
    def resend(self, request, queryset):
        failed = list(queryset.filter(status=NotificationStatus.FAILED).values_list("pk", flat=True))
        count = notifications_resend(ids=failed)
        skipped = queryset.count() - count
        self.message_user(request, f"{count} notification(s) queued again.", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"{skipped} not failed, left as they were.", messages.WARNING)


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ("kind", "channel", "subject", "updated_at")
    list_filter = ("kind", "channel")
    fields = (
        "kind", "channel", "subject", "body", "preview", "dlt_template_id", "dlt_entity_id", "sender_header",
        "variables", "whatsapp_template", "whatsapp_language",
    )
    readonly_fields = ("preview",)

    @admin.display(description="Preview (sample figures, as saved)")
    def preview(self, obj):
        if obj is None or obj.pk is None:
            return "Save to see a preview."
        try:
            message = preview(obj)
        except Exception as exc:  # noqa: BLE001 - a template syntax error is shown, not raised
            return format_html('<span class="errornote">{}</span>', f"This template does not render: {exc}")
        subject = format_html("<strong>{}</strong><br>", message.subject) if message.subject else ""
        return format_html('{}<pre class="notification-preview" style="white-space: pre-wrap">{}</pre>', subject, message.body)
