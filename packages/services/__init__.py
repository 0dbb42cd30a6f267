"""Writes on packages. Import from here: `from packages.services import assignment_create`."""
from .aftersale import (
    AssignmentNotFound,
    TransferResult,
    assignment_adjust,
    assignment_close,
    assignment_credit_add,
    assignment_extend,
    assignment_transfer,
    clean_reason,
    lock_assignment,
    refuse,
    refuse_closed,
    refuse_unless_holding,
)
from .assign import assignment_create, tracker_rows_for
from .balance import (
    BenefitsTaken,
    BenefitUse,
    ReconcileReport,
    balances_reconcile,
    benefits_spend,
    benefits_take,
    usages_reverse,
)
from .lifecycle import assignment_pause, assignment_resume
from .status import CLOSED, StatusReason, assignment_status_change, assignments_expire
from .templates import template_remove, templates_sold

__all__ = [
    "CLOSED",
    "AssignmentNotFound",
    "TransferResult",
    "assignment_adjust",
    "assignment_close",
    "assignment_credit_add",
    "assignment_extend",
    "assignment_transfer",
    "clean_reason",
    "lock_assignment",
    "refuse",
    "refuse_closed",
    "refuse_unless_holding",
    "BenefitUse",
    "ReconcileReport",
    "StatusReason",
    "assignment_create",
    "assignment_pause",
    "assignment_resume",
    "assignment_status_change",
    "assignments_expire",
    "template_remove",
    "templates_sold",
    "balances_reconcile",
    "BenefitsTaken",
    "benefits_spend",
    "benefits_take",
    "tracker_rows_for",
    "usages_reverse",
]
