"""A branch's code and GSTIN: 2 to 6 letters or digits, a GSTIN of its own state with a right check digit."""
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from branches.models import Branch
from branches.selectors import default_branch
from core.gstin import gstin_check_digit, validate_gstin

pytestmark = pytest.mark.django_db


def branch(**overrides) -> Branch:
    values = {
        "code": "KOR", "name": "Koramangala", "address": "80 Feet Road, Bengaluru", "state_code": "29",
        "gstin": "29ABCFE1234F2Z" + gstin_check_digit("29ABCFE1234F2Z"),
    }
    return Branch(**{**values, **overrides})


def test_the_settings_gstin_has_a_right_check_digit():
    validate_gstin(settings.SPA_GSTIN)


def test_the_mod_36_check_digit_of_a_known_gstin():
    assert gstin_check_digit("27AAPFU0939F1Z") == "V"  # a published GSTIN


def test_a_branch_with_a_valid_gstin_of_its_state_is_clean():
    branch().full_clean()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"gstin": "29ABCFE1234F2ZX"}, "gstin"),  # wrong check digit
        ({"gstin": "29ABCFE1234"}, "gstin"),  # too short
        ({"gstin": "2AABCFE1234F2Z5"}, "gstin"),  # no state code
        ({"state_code": "27"}, "gstin"),  # a Karnataka GSTIN at a branch in Maharashtra
        ({"code": "K"}, "code"),
        ({"code": "KORAMAN"}, "code"),
        ({"code": "KO-R"}, "code"),
    ],
)
def test_a_branch_refuses_a_bad_code_or_gstin(overrides, field):
    with pytest.raises(ValidationError) as excinfo:
        branch(**overrides).full_clean()

    assert field in excinfo.value.message_dict


def test_a_code_is_kept_in_capitals():
    saved = branch(code="kor2")
    saved.save()

    assert Branch.objects.get(pk=saved.pk).code == "KOR2"


def test_the_first_branch_is_made_from_the_spa_settings():
    first = default_branch()

    assert (first.code, first.name, first.address, first.gstin, first.state_code, first.phone) == (
        settings.SPA_BRANCH_CODE, settings.SPA_NAME, settings.SPA_ADDRESS, settings.SPA_GSTIN,
        settings.SPA_STATE_CODE, settings.SPA_PHONE,
    )
