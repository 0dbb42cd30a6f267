"""The billing.W001 system check: GST invoice numbers are at most 16 letters, digits, '-' or '/'."""
from django.core.checks import run_checks
from django.test import override_settings


def w001() -> list:
    return [message for message in run_checks() if message.id == "billing.W001"]


@override_settings(INVOICE_NUMBER_FORMAT="INV-{date:%Y%m%d}-{seq:04d}")
def test_the_default_17_character_pattern_is_warned_about():
    [warning] = w001()

    assert "17 characters" in warning.msg


@override_settings(INVOICE_NUMBER_FORMAT="IN-{date:%Y%m%d}-{seq:04d}")
def test_a_16_character_pattern_passes():
    assert w001() == []


@override_settings(INVOICE_NUMBER_FORMAT="INV/{date:%y%m%d}/{seq:04d}")
def test_a_short_pattern_with_slashes_passes():
    assert w001() == []


@override_settings(INVOICE_NUMBER_FORMAT="IN_{date:%y%m%d}_{seq:04d}")
def test_characters_gst_does_not_allow_are_warned_about():
    [warning] = w001()

    assert "characters other than" in warning.msg


@override_settings(INVOICE_NUMBER_FORMAT="INV-{day}-{seq}")
def test_a_pattern_that_cannot_be_rendered_is_warned_about():
    [warning] = w001()

    assert "cannot be rendered" in warning.msg
