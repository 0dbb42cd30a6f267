"""What the customer's page shows: only rows of the one customer the link names."""
from datetime import date

from billing.selectors import package_usage
from customers.models import Customer
from packages.presenters import package_row
from packages.selectors import customer_packages
from receipts.models import Receipt


def page_packages(customer: Customer) -> list[dict]:
    """Every package of the customer as the counter shows it: balance, progress bar, expiry, status."""
    return [package_row(assignment) for assignment in customer_packages(customer_id=customer.pk)]


def page_history(customer: Customer) -> list[dict]:
    """Each package's usage (its ledger), newest package first; no staff names, no reasons."""
    history = []
    for assignment in reversed(list(customer_packages(customer_id=customer.pk))):
        rows = [
            {
                "day": date.fromisoformat(row["date"]),
                "invoice_number": row["invoice_number"],
                "item_name": row["item_name"],
                "quantity": row["quantity"],
                "balance_after": row["balance_after"],
            }
            for row in package_usage(assignment_id=assignment.pk)
        ]
        history.append({"assignment": assignment, "rows": rows})
    return history


def page_documents(customer: Customer):
    """The customer's invoices, receipts, credit notes and refund vouchers, newest first."""
    return Receipt.objects.filter(customer=customer).order_by("-issued_at", "-pk")


def page_document(customer: Customer, number: str) -> Receipt:
    """The customer's own document `number`; Receipt.DoesNotExist for anyone else's."""
    return Receipt.objects.select_related("customer").get(customer=customer, number=number)
