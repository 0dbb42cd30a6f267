"""Two branches of a chain (the default number formats print the branch, as a chain must: branches.E001)."""
import pytest

from branches.models import BranchMembership
from branches.selectors import default_branch
from tests.factories import BranchFactory


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
