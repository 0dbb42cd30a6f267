"""Billing's row locks, written once. Global order: an invoice being voided, assignments and their
trackers (packages.locks), products, then the number sequences.

Every transaction that takes more than one of these takes them in that order and,
within a table, in primary-key order, so no two of them can wait on each other.
"""
from collections.abc import Iterable

from catalog.models import Product

from .models import Invoice


def lock_products(ids: Iterable[int]) -> dict[int, Product]:
    """Lock the products (stock) in id order; return them by id."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    return {product.pk: product for product in Product.objects.filter(pk__in=ids).order_by("pk").select_for_update()}


def lock_invoice(pk: int) -> Invoice:
    """Lock one invoice (before anything else) so that two voids of it cannot both pass."""
    return Invoice.objects.select_for_update(of=("self",)).select_related("customer", "branch").get(pk=pk)
