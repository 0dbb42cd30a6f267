"""Billing's row locks, written once, and the one lock order of the whole project.

The order:

1. an invoice being voided (`lock_invoice`);
2. assignments, then their trackers (`packages.locks`), in primary-key order;
3. the customer who pays cash (`lock_customer`, before `billing.services.rules` counts their cash of the day);
4. products (`lock_products`, or the counter's stock UPDATE), in primary-key order;
5. the number sequences (`billing.numbering`), in series order (CN, INV, REC, RV).

Every transaction that takes more than one of these takes them in that order and, within
a table, in primary-key order, so no two of them can wait on each other. Who takes what:

| operation | locks, in order |
| --- | --- |
| bill (`invoice_create`) | the customer's assignments and trackers, the customer (cash, Rule 46), products, INV and REC |
| void of a bill | the invoice, the assignments it used, its products, CN |
| void of a package sale | the invoice, the package it sold, CN |
| sale, renewal (`assignment_sell`) | the package renewed (if any), the customer (cash, Rule 46), INV, REC |
| refund | the package, CN (taxed kinds) or RV |
| top-up | the package, the customer (cash), REC |
| transfer, extend, adjust, pause, resume | the package |
| expiry sweep (`assignments_expire`) | the active packages past their date, then their trackers |

A reference is not a lock. Every lock here is `FOR NO KEY UPDATE`: it stops another
writer of the row, not a transaction that only refers to it. On PostgreSQL a new row
that points to another (a refund citing its sale invoice, a ledger row its assignment)
takes `FOR KEY SHARE` on that row when the foreign key is checked, which Django's
deferred constraints do at COMMIT, after every lock above. A plain `FOR UPDATE`
conflicts with that share: a refund (the package, then at COMMIT its sale invoice) and a
void of that invoice (the invoice, then the package) waited on each other and the void
died of a deadlock (a 500). `FOR NO KEY UPDATE` lets the reference through, so no
reference joins the order. These rows are never deleted nor re-keyed, which is all
`FOR UPDATE` would add.
"""
from collections.abc import Iterable

from catalog.models import Product
from customers.models import Customer

from .models import Invoice


def lock_products(ids: Iterable[int]) -> dict[int, Product]:
    """Lock the products (stock) in id order; return them by id."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    products = Product.objects.filter(pk__in=ids).order_by("pk").select_for_update(no_key=True)
    return {product.pk: product for product in products}


def lock_customer(pk: int) -> None:
    """Lock the customer's row, so that two sales taking their cash are counted one after the other.

    The count must be a later statement than the lock: in READ COMMITTED a statement that waited for
    the lock still reads what its own snapshot saw (a subquery beside the lock missed the cash the
    other sale had just committed; tests/billing/test_concurrency.py).
    """
    list(Customer.objects.filter(pk=pk).select_for_update(no_key=True, of=("self",)).values_list("pk", flat=True))


def lock_invoice(pk: int) -> Invoice:
    """Lock one invoice (before anything else) so that two voids of it cannot both pass.

    `FOR NO KEY UPDATE`: a refund or credit note that cites the invoice does not wait for it.
    """
    return Invoice.objects.select_for_update(no_key=True, of=("self",)).select_related("customer", "branch").get(pk=pk)
