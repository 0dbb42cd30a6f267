"""The /reports page's pickers: each report's dates, checked like the API checks them."""
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django import forms
from django.core.exceptions import ValidationError

from core.forms import DayMonthYearField

MAX_DAILY_DAYS = 366
# The days a report (page or API) may be asked about: any shop's history and plans, and far
# enough from year 1 and 9999 that a day or a month either side, and a time zone, stay dates.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2099, 12, 31)
DATE_RANGE_MESSAGE = f"Dates run from {EARLIEST_DATE:%d-%m-%Y} to {LATEST_DATE:%d-%m-%Y}."


def within_report_dates(value: date | None) -> None:
    """Refuse a day outside EARLIEST_DATE..LATEST_DATE (a validator for the page's and the API's date fields)."""
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(DATE_RANGE_MESSAGE, code="date_range")


def report_date_field(label: str) -> DayMonthYearField:
    return DayMonthYearField(required=False, label=label, validators=[within_report_dates])
TABS = [
    "liability", "liability-rollforward", "package-sales", "redemptions", "breakage", "inter-branch", "expiring", "day-close",
]


def default_period(today: date) -> tuple[date, date]:
    """Return this month and the five before it: enough months for the charts to show a trend."""
    return today.replace(day=1) - relativedelta(months=5), today


class ReportFilters(forms.Form):
    """Every picker of the page in one GET form; a bad value is reported and its default used."""

    tab = forms.ChoiceField(choices=[(tab, tab) for tab in TABS], required=False)
    # Typed dd-mm-yyyy whatever the browser's locale (a native date input follows it); ISO still read.
    date_from = report_date_field("From")
    date_to = report_date_field("To")
    group = forms.ChoiceField(choices=[("month", "Month"), ("day", "Day")], required=False, label="Group by")
    as_of = report_date_field("As of")
    within_days = forms.IntegerField(required=False, min_value=1, max_value=366, label="Within (days)")
    day = report_date_field("Day")
    view = forms.ChoiceField(choices=[("table", "Table"), ("calls", "Call list")], required=False)
    # The branch whose packages (and takings) every tab shows; its choices are the user's (see __init__).
    branch = forms.ChoiceField(required=False, label="Branch")

    # The API's parameter names, for the download links.
    API_NAMES = {"date_from": "from", "date_to": "to", "day": "date"}

    def __init__(self, *args, today: date, branches=(), whole_chain: bool = True, **kwargs):
        """`branches`: those the user may pick; `whole_chain`: whether they may see every branch at once."""
        super().__init__(*args, **kwargs)
        self.today = today
        self.branches = {branch.code: branch for branch in branches}
        choices = [(branch.code, f"{branch.name} ({branch.code})") for branch in branches]
        self.fields["branch"].choices = ([("", "All branches")] if whole_chain else []) + choices
        start, end = default_period(today)
        self.defaults = {
            "tab": TABS[0], "date_from": start, "date_to": end, "group": "month", "as_of": today,
            "within_days": 30, "day": today, "view": "table",
            # Someone who may not see the whole chain sees their first branch by default.
            "branch": "" if whole_chain or not choices else choices[0][0],
        }

    def clean_branch(self):
        return (self.cleaned_data.get("branch") or "").strip().upper()

    def full_clean(self):
        # A code typed in lower case ("?branch=kor") is the same branch.
        if self.is_bound and self.data.get("branch"):
            self.data = self.data.copy()
            self.data["branch"] = self.data["branch"].strip().upper()
        super().full_clean()

    def selected_branch(self, values: dict):
        """Return the Branch the page shows (None: the whole chain)."""
        return self.branches.get(values["branch"]) if values["branch"] else None

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_from", "The start comes after the end.")
        elif start and end and cleaned.get("group") == "day" and (end - start).days >= MAX_DAILY_DAYS:
            self.add_error("date_to", f"Group a range over {MAX_DAILY_DAYS} days by month.")
        return cleaned

    def values(self) -> dict:
        """Return every picker's value: the one given when valid, else its default."""
        given = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        values = {name: given.get(name) or default for name, default in self.defaults.items()}
        if values["date_from"] > values["date_to"]:
            values["date_from"], values["date_to"] = self.defaults["date_from"], self.defaults["date_to"]
        if values["group"] == "day" and (values["date_to"] - values["date_from"]).days >= MAX_DAILY_DAYS:
            values["group"] = "month"
        return values

    def api_query(self, values: dict, names: tuple[str, ...], *, branch: bool = True) -> str:
        """Return the API query string (`from=...&to=...`, and `branch=` when one is picked) of the pickers `names`."""
        parts = []
        for name in names:
            value = values[name]
            parts.append(f"{self.API_NAMES.get(name, name)}={value.isoformat() if isinstance(value, date) else value}")
        if branch and values.get("branch"):
            parts.append(f"branch={values['branch']}")
        return "&".join(parts)


def months_between(start: date, end: date) -> list[tuple[date, date]]:
    """Return each calendar month from `start`'s to `end`'s as (first day, last day), clipped to the range."""
    months = []
    first = start.replace(day=1)
    while first <= end:
        last = first + relativedelta(months=1) - timedelta(days=1)
        months.append((max(first, start), min(last, end)))
        first += relativedelta(months=1)
    return months
