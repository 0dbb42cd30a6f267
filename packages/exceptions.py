"""Refusals raised by package services."""
from core.exceptions import DomainError


class PackageError(DomainError):
    default_message = "The package operation was refused."


class InvalidAssignment(PackageError):
    default_message = "The package cannot be assigned."


class PackageNotApplicable(PackageError):
    default_message = "The package does not apply to this item."


class InsufficientBalance(PackageError):
    default_message = "The package has not enough sessions or credit left."


class PackageNotActive(PackageError):
    default_message = "The package is not active."


class StatusChangeRefused(PackageError):
    default_message = "The package cannot move to that status."


class AfterSaleRefused(PackageError):
    """A refund, transfer, extension, adjustment or top-up the package does not allow."""

    default_message = "The package cannot be changed that way."
