"""The pages' shared parts: the vendored htmx, the one field template and the phone format."""
from pathlib import Path

import pytest
from django import forms
from django.contrib.staticfiles import finders
from django.template import Context, Template

from core.forms import DayMonthYearField, PageForm
from core.phones import format_phone


def test_htmx_is_vendored_with_its_version_and_licence():
    assert finders.find("vendor/htmx/htmx.min.js")
    assert "2.0.11" in Path(finders.find("vendor/htmx/VERSION")).read_text()
    assert "Zero-Clause BSD" in Path(finders.find("vendor/htmx/LICENSE")).read_text()


@pytest.mark.django_db
def test_every_page_loads_htmx_from_our_own_static_files(client, django_user_model):
    user = django_user_model.objects.create_user("someone", password="pw-12345678")
    client.force_login(user)
    page = client.get("/branch").content.decode()
    assert "vendor/htmx/htmx.min.js" in page
    assert "unpkg" not in page and "cdn" not in page.lower()


class QuantityForm(PageForm):
    quantity = forms.IntegerField(
        label="Quantity", min_value=1, help_text="Whole sessions.",
        error_messages={"min_value": "Quantity must be a whole number from 1 to 1000."},
    )


def test_the_field_template_shows_one_error_tied_to_the_widget():
    html = Template("{{ form }}").render(Context({"form": QuantityForm(data={"quantity": "0"})}))
    assert html.count("Quantity must be a whole number from 1 to 1000.") == 1
    assert 'aria-describedby="id_quantity_helptext id_quantity_error"' in html
    assert 'id="id_quantity_error"' in html
    assert "form-control" in html and "is-invalid" in html and 'aria-invalid="true"' in html
    assert '<label class="form-label small fw-semibold mb-1" for="id_quantity">Quantity</label>' in html


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("+919845012345", "+91 98450 12345"), ("+4420794600", "+4420794600"), ("", ""), (None, "")],
)
def test_a_stored_phone_is_shown_grouped(stored, shown):
    assert format_phone(stored) == shown
    assert Template("{% load phones %}{{ p|phone }}").render(Context({"p": stored})) == shown


class DayForm(PageForm):
    day = DayMonthYearField(label="Start date")


def test_a_day_month_year_field_reads_and_shows_dd_mm_yyyy():
    form = DayForm(data={"day": "23-05-2027"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"].isoformat() == "2027-05-23"
    assert 'value="23-05-2027"' in str(DayForm(initial={"day": form.cleaned_data["day"]})["day"])


def test_a_day_month_year_field_names_itself_in_its_error():
    form = DayForm(data={"day": "05/23/2027x"})
    assert form.errors["day"] == ["Start date must be a date written dd-mm-yyyy, like 23-05-2027."]
