"""Two branches of a chain, with number formats that print the branch (a chain must: branches.E001)."""
import pytest
from django.test import override_settings

from branches.models import BranchMembership
from branches.selectors import default_branch
from tests.factories import BranchFactory

CHAIN_FORMATS = {
    "INVOICE_NUMBER_FORMAT": "{branch}{date:%y%m%d}{seq:04d}",
    "RECEIPT_NUMBER_FORMAT": "{branch}-R{date:%y%m%d}{seq:04d}",
    "CREDIT_NOTE_NUMBER_FORMAT": "{branch}-C{date:%y%m%d}{seq:04d}",
    "REFUND_VOUCHER_NUMBER_FORMAT": "{branch}-V{date:%y%m%d}{seq:04d}",
}


@pytest.fixture
def chain_formats():
    with override_settings(**CHAIN_FORMATS):
        yield


@pytest.fixture
def indiranagar(db):
    """The first branch (made from SPA_* by the migration), renamed as a chain would."""
    branch = default_branch()
    branch.code, branch.name = "IND", "Indiranagar"
    branch.save()
    return branch


@pytest.fixture
def koramangala(db):
    return BranchFactory(code="KOR", name="Koramangala", state_code="29")


@pytest.fixture
def bandra(db):
    """A branch in Maharashtra (state 27) with its own GSTIN."""
    return BranchFactory(code="BND", name="Bandra", state_code="27", address="Hill Road, Mumbai 400050")


def works_at(user, *branches):
    for branch in branches:
        BranchMembership.objects.get_or_create(user=user, branch=branch)
    return user
