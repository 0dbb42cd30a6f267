"""REST resource /api/notifications: the reminder log, filtered by customer and status."""
import django_filters
from rest_framework import mixins, serializers, viewsets

from core.api import IdFilter
from core.permissions import ModelPermissions

from .models import Notification, NotificationStatus
from .selectors import notifications_list


class NotificationSerializer(serializers.ModelSerializer):
    customer_id = serializers.IntegerField(read_only=True)
    assignment_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id", "customer_id", "assignment_id", "kind", "threshold", "channel", "status", "created_at", "sent_at",
        ]
        read_only_fields = fields


class NotificationFilter(django_filters.FilterSet):
    customer_id = IdFilter(field_name="customer_id")
    status = django_filters.ChoiceFilter(choices=NotificationStatus.choices)

    class Meta:
        model = Notification
        fields = ["customer_id", "status"]


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Reminders sent, queued, failed or skipped, newest first."""

    queryset = notifications_list()
    serializer_class = NotificationSerializer
    permission_classes = [ModelPermissions]
    filterset_class = NotificationFilter
