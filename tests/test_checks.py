"""billing.E001: a number format that can break GST (16 letters, digits, '-' or '/', unique per year) stops the start."""
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from tests.factories import BranchFactory

pytestmark = pytest.mark.django_db


def refusal() -> str:
    """What `manage.py check` refuses the start with (runserver and migrate run the same checks)."""
    with pytest.raises(SystemCheckError) as refused:
        call_command("check", stdout=StringIO(), stderr=StringIO())
    return str(refused.value)


def errors_of(message: str) -> list[str]:
    return [line for line in message.splitlines() if "(billing.E001)" in line]


def test_the_default_formats_pass_without_a_warning():
    out = StringIO()
    call_command("check", stdout=out, stderr=StringIO())

    assert out.getvalue().strip() == "System check identified no issues (0 silenced)."


@override_settings(INVOICE_NUMBER_FORMAT="INV-{date:%Y%m%d}-{seq:04d}")
def test_the_old_17_character_format_is_refused_in_one_line():
    [line] = errors_of(refusal())

    assert line == (
        "?: (billing.E001) INVOICE_NUMBER_FORMAT 'INV-{date:%Y%m%d}-{seq:04d}' makes numbers of 18 characters "
        "('INV-20990930-99999') at branch MAIN, and GST allows 16: shorten the format or the branch code."
    )


def test_a_branch_code_too_long_for_the_defaults_is_named():
    BranchFactory(code="KORAMA")
    BranchFactory(code="INDIR")
    BranchFactory(code="CLOSED", is_active=False)  # an inactive branch issues nothing

    lines = errors_of(refusal())

    assert len(lines) == 4  # invoice, receipt, credit note, refund voucher
    [invoices] = [line for line in lines if "INVOICE_NUMBER_FORMAT" in line]
    assert "INVOICE_NUMBER_FORMAT '{branch}/{fy}/{seq:05d}' makes numbers of 18 characters" in invoices
    assert "('KORAMA/99-00/99999') at branches KORAMA, INDIR, and GST allows 16" in invoices
    assert all("CLOSED" not in line for line in lines)


@override_settings(RECEIPT_NUMBER_FORMAT="R_{fy}_{seq:05d}")
def test_characters_gst_does_not_allow_are_refused():
    [line] = errors_of(refusal())

    assert "RECEIPT_NUMBER_FORMAT 'R_{fy}_{seq:05d}' makes 'R_99-00_99999': GST allows only" in line


@override_settings(CREDIT_NOTE_NUMBER_FORMAT="CN/{year}/{seq}")
def test_a_format_that_cannot_be_rendered_is_refused():
    [line] = errors_of(refusal())

    assert "CREDIT_NOTE_NUMBER_FORMAT 'CN/{year}/{seq}' cannot be rendered (KeyError('year'))" in line


@override_settings(REFUND_VOUCHER_NUMBER_FORMAT="{branch}V{seq:06d}")
def test_a_format_that_repeats_its_numbers_every_year_is_refused():
    [line] = errors_of(refusal())

    assert "REFUND_VOUCHER_NUMBER_FORMAT '{branch}V{seq:06d}' repeats its numbers every financial year" in line
