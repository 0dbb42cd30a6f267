"""The confirmation pages of the after-sale operations (packages.operations) in the assignment admin.

Each page is an `OperationPage`: its form, the figures shown before anything is written, and
what confirming does (a service). Transfer, extend and adjust are here; billing.admin plugs
in refund and top-up, which move money (`PackageAssignmentAdmin.plug_operation`).
"""
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme

from core.admin_history import log_operation
from core.formats import format_date
from core.money import format_inr

from .forms import AdjustForm, ExtendForm, OperationForm, TransferForm
from .models import PackageAssignment
from .services import assignment_adjust, assignment_extend, assignment_transfer
from .valuation import assignment_value


def balance_text(assignment: PackageAssignment) -> str:
    """Say what is left: sessions, credit, or the kind of benefit."""
    return assignment.kind.balance_text(assignment)


@dataclass(frozen=True)
class OperationPage:
    """The confirmation page of one after-sale operation (packages.operations) in the assignment admin.

    `figures(assignment)` gives the (label, text) rows shown before anything is written;
    `refusal(assignment)` why it cannot be done now (the page then offers no button);
    `perform(form=, assignment=, user=)` calls the service, writes the History row of what it
    did (`log_operation`, in the view's transaction) and returns the success message
    (HTML-safe), or raises the service's DomainError, which the form shows.
    """

    form_class: type[OperationForm]
    perform: Callable
    figures: Callable[[PackageAssignment], list[tuple[str, str]]]
    refusal: Callable[[PackageAssignment], str | None] = field(default=lambda assignment: None)
    submit: str = "Confirm"


def package_figures(assignment: PackageAssignment) -> list[tuple[str, str]]:
    """The rows every confirmation page starts with: who holds what, until when."""
    return [
        ("Customer", str(assignment.customer)),  # "Asha Rao (+91 98450 12345)", as everywhere
        ("Package", f"{assignment.package_name} ({assignment.kind.label})"),
        ("Status", assignment.get_status_display()),
        ("Balance", balance_text(assignment)),
        ("Expires", format_date(assignment.expires_on) if assignment.expires_on else "Never"),
    ]


def change_link(assignment: PackageAssignment) -> str:
    url = reverse("admin:packages_packageassignment_change", args=[assignment.pk])
    return format_html('<a href="{}">{} of {}</a>', url, assignment.package_name, assignment.customer.name)


def _transfer(*, form, assignment, user) -> str:
    to_customer, reason = form.cleaned_data["to_customer"], form.cleaned_data["reason"]
    result = assignment_transfer(assignment_id=assignment.pk, to_customer_id=to_customer.pk, user=user, reason=reason)
    log_operation(user, [assignment], f"Transferred to {to_customer.name}: {reason}")
    log_operation(user, [result.new], f"Transferred from {assignment.customer.name}: {reason}", added=True)
    return format_html(
        "{} was transferred; the new package is {}.", assignment.package_name, change_link(result.new)
    )


def _transfer_figures(assignment: PackageAssignment) -> list[tuple[str, str]]:
    value = assignment_value(assignment, timezone.localdate())
    return [
        *package_figures(assignment),
        ("Value left today", format_inr(value)),
        ("The new package", "Same template, service and expiry, the balance above, sale value " + format_inr(value)),
    ]


def _extend(*, form, assignment, user) -> str:
    reason = form.cleaned_data["reason"]
    extended = assignment_extend(
        assignment_id=assignment.pk, expires_on=form.cleaned_data["expires_on"], user=user, reason=reason
    )
    log_operation(user, [extended], f"Extended to {format_date(extended.expires_on)}: {reason}")
    return format_html(
        "{} now expires on {} ({}).", change_link(extended), format_date(extended.expires_on),
        extended.get_status_display(),
    )


def _adjust(*, form, assignment, user) -> str:
    reason = form.cleaned_data["reason"]
    adjusted = assignment_adjust(assignment_id=assignment.pk, user=user, reason=reason, **form.change())
    log_operation(user, [adjusted], f"Corrected the balance to {balance_text(adjusted)}: {reason}")
    return format_html("{} corrected: {} ({}).", change_link(adjusted), balance_text(adjusted), adjusted.get_status_display())


PACKAGE_OPERATION_PAGES = {
    "transfer": OperationPage(TransferForm, _transfer, _transfer_figures, submit="Transfer the package"),
    "extend": OperationPage(ExtendForm, _extend, package_figures, submit="Extend"),
    "adjust": OperationPage(AdjustForm, _adjust, package_figures, submit="Correct the balance"),
}


def safe_next(request) -> str | None:
    """Return the page to go back to after an operation (the counter sends its own), if it is ours."""
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return None
