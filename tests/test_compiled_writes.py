"""core.compiled: rows written by `insert_all` and read by `CompiledIdList` are what the ORM writes and reads."""
import pytest
from django.db import IntegrityError, transaction

from billing.models import Invoice, Payment
from branches.selectors import default_branch
from catalog.models import Service
from core.compiled import CompiledIdList
from core.compiled_writes import insert_all, insert_many, pipelined
from receipts.models import Receipt
from receipts.services import receipt_issue
from tests.factories import CustomerFactory, ServiceFactory, UserFactory, inr

pytestmark = pytest.mark.django_db


def test_inserted_rows_get_their_ids_stamps_money_and_json(db):
    customer, user, branch = CustomerFactory(), UserFactory(), default_branch()
    receipts = [
        Receipt(number=f"R-{n}", kind="tax_invoice", customer=customer, amount=inr(f"{n}99.50"),
                snapshot={"lines": [{"name": "Facial ₹", "n": n}]}, created_by=user, branch=branch)
        for n in (1, 2)
    ]

    insert_all(receipts)

    assert all(receipt.pk and not receipt._state.adding for receipt in receipts)
    stored = {receipt.number: receipt for receipt in Receipt.objects.filter(pk__in=[r.pk for r in receipts])}
    assert stored["R-2"].amount == inr("299.50")
    assert stored["R-1"].snapshot == {"lines": [{"name": "Facial ₹", "n": 1}]}
    assert stored["R-1"].issued_at is not None and stored["R-1"].issued_at == receipts[0].issued_at  # auto_now_add


def test_many_rows_inserted_at_once_get_their_ids_in_order_and_their_values(db):
    customer, branch = CustomerFactory(), default_branch()
    receipts = [
        Receipt(number=f"R-M{n}", kind="tax_invoice", customer=customer, amount=inr(f"{n}.25"),
                snapshot={"n": n} if n % 2 else {}, branch=branch)
        for n in range(1, 1202)
    ]

    insert_many(receipts, batch_size=500)

    stored = {receipt.pk: receipt for receipt in Receipt.objects.filter(number__startswith="R-M")}
    assert len(stored) == 1201
    for receipt in receipts:
        assert (stored[receipt.pk].number, stored[receipt.pk].amount, stored[receipt.pk].snapshot) == (
            receipt.number, receipt.amount, receipt.snapshot,
        )
        assert stored[receipt.pk].created_by is None


def test_a_related_object_saved_after_it_was_assigned_gives_its_id(cashier, customer):
    receipt = receipt_issue(number="R-9", customer=customer, amount=inr("10.00"), snapshot={})
    invoice = Invoice(number="INV-T-1", customer=customer, branch=receipt.branch, bill_date=receipt.issued_at.date(),
                      cashier=cashier, receipt=receipt)
    payment = Payment(customer=customer, invoice=invoice, receipt=receipt, method="cash", amount=inr("10.00"),
                      received_by=cashier)

    insert_all([invoice])
    insert_all([payment])

    assert Payment.objects.get(pk=payment.pk).invoice_id == invoice.pk


def test_saved_or_mixed_instances_are_refused(customer):
    service = ServiceFactory()

    with pytest.raises(ValueError):
        insert_all([service])
    with pytest.raises(ValueError):
        insert_all([Service(name="Pedicure", price=inr("400.00")), customer])


@pytest.mark.parametrize("longest", [16, 2], ids=["compiled", "longer than compiled"])
def test_an_id_list_read_returns_the_rows_the_orm_returns(longest, django_assert_num_queries):
    services = [ServiceFactory() for _ in range(3)]
    read = CompiledIdList(lambda ids: Service.objects.filter(pk__in=ids).values("id", "name"), longest=longest)
    ids = [service.pk for service in services]

    for wanted in (ids, ids[:1], [*ids, 10**8]):
        with django_assert_num_queries(1):
            rows = read.run(wanted)
        assert sorted(rows, key=lambda row: row["id"]) == list(
            Service.objects.filter(pk__in=wanted).order_by("pk").values("id", "name")
        )
    assert read.run([]) == []


@pytest.mark.django_db(transaction=True)
def test_a_pipelined_block_writes_everything_or_raises_and_leaves_nothing():
    with transaction.atomic(), pipelined():
        insert_all([Service(name="Pedicure", price=inr("400.00"))], returning=False)
        insert_all([Service(name="Manicure", price=inr("300.00"))], returning=False)
    assert sorted(Service.objects.values_list("name", flat=True)) == ["Manicure", "Pedicure"]

    with pytest.raises(IntegrityError), transaction.atomic(), pipelined():
        insert_all([Service(name="Head massage", price=inr("500.00"))], returning=False)
        insert_all([Service(name="Pedicure", price=inr("450.00"))], returning=False)  # names are unique

    assert sorted(Service.objects.values_list("name", flat=True)) == ["Manicure", "Pedicure"]
