"""The admin page that brings in the packages customers already hold: upload, preview, then confirm (docs/going-live.md).

The preview is `packages.importing.import_plan` (nothing written); the file then rides in the
confirm form, signed, so what is confirmed is what was previewed, and no copy is kept on
the server. Confirming checks the rows again and calls `import_write`. Managers only
(`core.permissions`, action "import_packages").
"""
import base64

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from branches.models import Branch
from core.admin_history import log_operation
from core.permissions import user_may

from .importing import COLUMNS, ImportRefused, branch_for_import, import_plan, import_write
from .models import PackageAssignment

SIGNING_SALT = "packages.import"
PREVIEW_ROWS = 200  # rows shown in the table; the errors are all shown
PAYLOAD_MAX_AGE = 3600  # seconds between the preview and the confirmation


class UploadForm(forms.Form):
    file = forms.FileField(label="File (CSV or XLSX)", help_text=f"Columns: {', '.join(COLUMNS)}.")
    branch = forms.ModelChoiceField(
        queryset=Branch.objects.order_by("code"), required=False, to_field_name="code",
        empty_label="The first branch", help_text="Where the packages were sold.",
    )


class ConfirmForm(forms.Form):
    payload = forms.CharField(widget=forms.HiddenInput)
    skip_bad_rows = forms.BooleanField(required=False, label="Skip the bad rows and bring in the good ones")

    def file(self) -> tuple[str, bytes, str]:
        """Return (name, data, branch code) of the previewed file; a payload changed or too old is refused."""
        try:
            found = signing.loads(self.cleaned_data["payload"], salt=SIGNING_SALT, max_age=PAYLOAD_MAX_AGE)
        except signing.BadSignature:
            raise ImportRefused("The preview is more than an hour old or was changed; upload the file again.") from None
        return found["name"], base64.b64decode(found["data"]), found["branch"]


def _payload(name: str, data: bytes, branch_code: str) -> str:
    return signing.dumps(
        {"name": name, "data": base64.b64encode(data).decode(), "branch": branch_code}, salt=SIGNING_SALT, compress=True
    )


def import_view(model_admin, request):
    """Upload (GET, POST with a file), preview (the checked rows, nothing written), confirm (POST with the payload)."""
    if not user_may(request.user, "import_packages"):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Bring in the packages customers hold",
        "opts": model_admin.opts,
        "columns": COLUMNS,
        "has_view_permission": model_admin.has_view_permission(request),
    }
    upload = UploadForm()
    if request.method == "POST" and "payload" in request.POST:
        return _confirm(model_admin, request, context)
    if request.method == "POST":
        upload = UploadForm(request.POST, request.FILES)
        if upload.is_valid():
            try:
                return _preview(request, context, upload)
            except ImportRefused as refusal:
                upload.add_error("file", refusal.message)
    return TemplateResponse(request, "admin/packages/packageassignment/import.html", {**context, "upload": upload})


def _preview(request, context, upload: UploadForm):
    branch = upload.cleaned_data["branch"] or branch_for_import(None)
    uploaded = upload.cleaned_data["file"]
    data = uploaded.read()
    plan = import_plan(name=uploaded.name, data=data, branch=branch)
    confirm = ConfirmForm(initial={"payload": _payload(uploaded.name, data, branch.code)})
    return TemplateResponse(
        request, "admin/packages/packageassignment/import.html",
        {**context, "plan": plan, "shown": plan.rows[:PREVIEW_ROWS], "hidden": max(len(plan.rows) - PREVIEW_ROWS, 0),
         "confirm": confirm, "file_name": uploaded.name},
    )


def _confirm(model_admin, request, context):
    confirm = ConfirmForm(request.POST)
    changelist = reverse("admin:packages_packageassignment_changelist")
    try:
        if not confirm.is_valid():
            raise ImportRefused("The confirmation lost its file; upload it again.")
        name, data, branch_code = confirm.file()
        plan = import_plan(name=name, data=data, branch=branch_for_import(branch_code))
        with transaction.atomic():  # the packages and their History rows, or neither
            result = import_write(plan=plan, user=request.user, skip_bad_rows=confirm.cleaned_data["skip_bad_rows"])
            brought_in = PackageAssignment.objects.filter(pk__in=result.assignment_ids).select_related("customer")
            log_operation(request.user, brought_in, f"Brought in from {name}", added=True)
    except ImportRefused as refusal:
        model_admin.message_user(request, refusal.message, messages.ERROR)
        for line in refusal.errors.get("rows", [])[:20]:
            model_admin.message_user(request, line, messages.ERROR)
        return HttpResponseRedirect(reverse("admin:packages_packageassignment_import"))
    skipped = f"; {result.skipped_bad} bad row(s) skipped" if result.skipped_bad else ""
    model_admin.message_user(
        request,
        f"Brought in {result.written} package(s) and {result.customers_created} new customer(s){skipped}. "
        f"{len(plan.already)} were in already.",
        messages.SUCCESS,
    )
    return HttpResponseRedirect(changelist)
