"""One Indian format (issue 10, item 10): the en_IN format module and the helpers Python text uses."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.template import Context, Template
from django.utils import formats

from core.formats import format_date, format_datetime, format_input_date

KOLKATA = ZoneInfo("Asia/Kolkata")


def test_django_reads_our_en_in_format_module_for_the_language_en_in(settings):
    assert settings.LANGUAGE_CODE == "en-in"
    assert formats.get_format("DATE_FORMAT") == "j M Y"
    assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d-%m-%Y"
    assert formats.get_format("NUMBER_GROUPING") == (3, 2, 0)


@pytest.mark.parametrize(
    ("day", "text"), [(date(2027, 5, 23), "23 May 2027"), (date(2026, 11, 3), "3 Nov 2026"), (None, "")]
)
def test_a_day_reads_day_month_year_without_a_leading_zero(day, text):
    assert format_date(day) == text


def test_a_moment_reads_in_the_spas_time_zone_on_a_12_hour_clock():
    moment = datetime(2027, 5, 23, 7, 40, tzinfo=ZoneInfo("UTC"))  # 1:10 PM in Kolkata

    assert format_datetime(moment) == "23 May 2027, 1:10 PM"
    assert format_date(moment) == "23 May 2027"


def test_templates_write_dates_and_datetimes_the_indian_way():
    moment = datetime(2026, 11, 30, 13, 10, tzinfo=KOLKATA)
    template = Template('{{ day|date }} · {{ moment|date:"DATETIME_FORMAT" }} · {{ day|date:"SHORT_DATE_FORMAT" }}')

    text = template.render(Context({"day": date(2027, 5, 23), "moment": moment}))

    assert text == "23 May 2027 · 30 Nov 2026, 1:10 PM · 23-05-2027"


def test_a_date_input_writes_and_reads_dd_mm_yyyy():
    class DayForm(forms.Form):
        day = forms.DateField()

    form = DayForm({"day": "23-05-2027"})

    assert form.is_valid() and form.cleaned_data["day"] == date(2027, 5, 23)
    assert DayForm(initial={"day": date(2027, 5, 23)})["day"].value() == date(2027, 5, 23)
    assert 'value="23-05-2027"' in str(DayForm(initial={"day": date(2027, 5, 23)})["day"])
    assert format_input_date(date(2027, 5, 3)) == "03-05-2027"


def test_an_iso_date_is_still_read_so_integrators_and_old_links_keep_working():
    class DayForm(forms.Form):
        day = forms.DateField()

    assert DayForm({"day": "2027-05-23"}).is_valid()


def test_numbers_group_in_lakhs_and_crores_when_localized():
    assert formats.number_format(Decimal("10540000.5"), 2, force_grouping=True) == "1,05,40,000.50"


def test_ids_stay_plain_in_templates_because_the_thousand_separator_is_off(settings):
    assert settings.USE_THOUSAND_SEPARATOR is False
    assert Template("/receipts/{{ pk }}").render(Context({"pk": 123456})) == "/receipts/123456"
