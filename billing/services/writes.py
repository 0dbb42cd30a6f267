"""The one way an invoice row is written, shared by the counter's bill and the package sale."""
from spa_pkg.compiled_writes import insert_all

from ..models import Invoice


def invoice_insert(invoice: Invoice) -> Invoice:
    """INSERT a new invoice and give it its id, in the compiled statement the counter's bill is timed with.

    Every invoice is made here, so a bill and a package sale write the same way: no signals
    (no code listens for an invoice's save), the database checking every constraint.
    """
    (invoice,) = insert_all([invoice])
    return invoice
