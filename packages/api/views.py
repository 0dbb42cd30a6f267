"""Package API views: a template endpoint per kind (generated from it), /api/assignments, customer packages."""
from django.db import transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import envelope
from core.permissions import PERMISSIONS, ActionPermission, HasPerm, ModelPermissions
from customers.models import Customer

from ..kinds import all_kinds
from ..models import PackageAssignment, PackageTemplate
from ..presenters import assignment_summary
from ..selectors import customer_packages
from ..services import assignment_pause, assignment_resume, template_remove
from .filters import AssignmentFilter
from .serializers import AssignmentSerializer, CustomerPackageSerializer, template_serializer


class TemplatePermission(ActionPermission):
    """Any kind's templates: reading needs `read_templates`, writing `keep_templates` (one codename each)."""

    def required(self, method: str, view) -> set[str]:
        return {PERMISSIONS["read_templates" if method in ("GET", "HEAD", "OPTIONS") else "keep_templates"]}


class TemplateViewSet(viewsets.ModelViewSet):
    """Base for the template endpoints, one per kind; answers in the `success` envelope."""

    model: type[PackageTemplate]
    permission_classes = [TemplatePermission]
    pagination_class = None  # The list shape is fixed: {"success": true, "packages": [...]}.
    filterset_fields = ["is_active"]
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        queryset = self.model.objects.order_by("name", "pk")
        if any(field.name == "services_included" for field in self.model._meta.many_to_many):
            queryset = queryset.prefetch_related("services_included")
        return queryset

    def list(self, request, *args, **kwargs):
        templates = self.filter_queryset(self.get_queryset())
        return Response({"success": True, "packages": self.get_serializer(templates, many=True).data})

    def retrieve(self, request, *args, **kwargs):
        return Response({"success": True, "package": self.get_serializer(self.get_object()).data})

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            template = serializer.save()
        package = self.get_serializer(template).data
        return Response({"success": True, "package": package, "packages": [package]}, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            template = serializer.save()
        return Response({"success": True, "package": self.get_serializer(template).data})

    def destroy(self, request, *args, **kwargs):
        """Take the template off the shelf by packages.services.template_remove: deleted if never sold, else withdrawn."""
        template = self.get_object()
        package = {**self.get_serializer(template).data, "is_active": False}  # as it was, now off sale either way
        deleted = template_remove(template)
        return Response({"success": True, "deleted": deleted, "package": package})


def template_viewset(kind) -> type[TemplateViewSet]:
    """Build the endpoint class of one template kind, with its schema documented."""
    model = kind.model
    serializer_class = template_serializer(kind)
    name = model.__name__
    label = model._meta.verbose_name
    listed = envelope(f"{name}ListResponse", packages=serializer_class(many=True))
    created = envelope(
        f"{name}CreatedResponse",
        package=serializer_class(),
        packages=serializer_class(many=True, help_text="The new template alone, in the list shape."),
    )
    single = envelope(f"{name}Response", package=serializer_class())
    removed = envelope(
        f"{name}RemovedResponse",
        deleted=serializers.BooleanField(help_text="True: never sold, so deleted; false: sold, so withdrawn from sale."),
        package=serializer_class(help_text="The template as it was, with is_active false."),
    )
    tags = [f"templates: {kind.api_segment}"]
    viewset = type(
        f"{name}ViewSet",
        (TemplateViewSet,),
        {"model": model, "serializer_class": serializer_class, "__doc__": f"{label.capitalize()} templates."},
    )
    return extend_schema_view(
        list=extend_schema(summary=f"List {label} templates", responses={200: listed}, tags=tags),
        create=extend_schema(summary=f"Create a {label} template (manager)", responses={201: created}, tags=tags),
        retrieve=extend_schema(summary=f"Read a {label} template", responses={200: single}, tags=tags),
        update=extend_schema(summary=f"Replace a {label} template (manager)", responses={200: single}, tags=tags),
        partial_update=extend_schema(
            summary=f"Change a {label} template (manager)", responses={200: single}, tags=tags
        ),
        destroy=extend_schema(
            summary=f"Take a {label} template off sale (manager)",
            description="A template never sold is deleted; one sold is withdrawn from sale (is_active false), "
            "as its packages keep referring to it. The admin follows the same rule.",
            responses={200: removed},
            tags=tags,
        ),
    )(viewset)


def template_viewsets() -> dict[str, type[TemplateViewSet]]:
    """Return the endpoint class of every registered kind, keyed by its URL segment."""
    return {kind.api_segment: template_viewset(kind) for kind in all_kinds()}


class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Packages sold to customers, with balances; soonest expiry first."""

    serializer_class = AssignmentSerializer
    permission_classes = [ModelPermissions]
    filterset_class = AssignmentFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return PackageAssignment.objects.select_related("customer", "service", "branch").order_by("expires_on", "pk")

    def _changed(self, service) -> Response:
        assignment = service(assignment=self.get_object(), user=self.request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=assignment.pk)).data)

    @extend_schema(
        summary="Pause a package (manager)",
        description="Nothing can be spent from a paused package; on resume its expiry moves back by the pause.",
        request=inline_serializer("PauseRequest", fields={}),
        responses={200: AssignmentSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[HasPerm("pause_assignment")])
    def pause(self, request, pk=None):
        return self._changed(assignment_pause)

    @extend_schema(
        summary="Resume a paused package (manager)",
        request=inline_serializer("ResumeRequest", fields={}),
        responses={200: AssignmentSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[HasPerm("pause_assignment")])
    def resume(self, request, pk=None):
        return self._changed(assignment_resume)


class CustomerPackagesQuery(serializers.Serializer):
    active = serializers.BooleanField(required=False, default=False)


CustomerPackagesOutput = envelope("CustomerPackagesResponse", packages=CustomerPackageSerializer(many=True))


class CustomerPackagesApi(APIView):
    """The packages a customer holds with their balances, soonest expiry first (never cached)."""

    permission_classes = [HasPerm("read_packages")]

    @extend_schema(
        operation_id="customer_packages",
        summary="A customer's packages and balances",
        parameters=[
            OpenApiParameter(
                "active", bool, description="true: only packages usable today (active or paused, not past their date)."
            )
        ],
        responses={200: CustomerPackagesOutput},
        tags=["billing"],
    )
    def get(self, request, customer_id: str):
        query = CustomerPackagesQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        on_date = timezone.localdate() if query.validated_data["active"] else None
        packages = [assignment_summary(assignment) for assignment in customer_packages(
            customer_id=int(customer_id), on_date=on_date
        )]
        # Packages mean the customer exists: only an empty answer needs the second query.
        if not packages and not Customer.objects.filter(pk=customer_id).exists():
            raise exceptions.NotFound(f"No customer with id {customer_id}.")
        response = Response({"success": True, "packages": packages})
        response["Cache-Control"] = "no-store"
        return response
