"""The /reports page (managers): one tab per report, its chart and its table, rendered on the server.

The figures come from reports.selectors, as the API's do; this module only picks the dates,
labels the kinds and months, and hands the charts their series (strings, as the API writes
amounts) through `json_script`. static/js/reports.js draws them.
"""
from datetime import date

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from branches.selectors import active_branches, is_chain_wide, user_branches
from core.formats import format_input_date
from core.forms import DayMonthYearField
from core.money import format_inr, money_str
from core.payments import PaymentMethod
from core.permissions import permission_required
from core.routers import report_reads
from packages.kinds import all_kinds

from . import accountant, selectors
from .downloads import attachment, period_label
from .forms import TABS, ReportFilters, months_between

TAB_LABELS = {
    "liability": "Liability",
    "liability-rollforward": "Roll-forward",
    "package-sales": "Package sales",
    "redemptions": "Redemptions",
    "breakage": "Breakage",
    "inter-branch": "Inter-branch",
    "expiring": "Expiring",
    "day-close": "Day close",
}
# The pickers each report reads, in the API's order.
TAB_PICKERS = {
    "liability": ("as_of",),
    "liability-rollforward": ("date_from", "date_to"),
    "package-sales": ("date_from", "date_to", "group"),
    "redemptions": ("date_from", "date_to"),
    "breakage": ("date_from", "date_to"),
    "inter-branch": ("date_from", "date_to"),
    "expiring": ("within_days",),
    "day-close": ("day",),
}
# The roll-forward's steps from opening to closing, as the waterfall draws them.
WATERFALL = [
    ("opening", "Opening"),
    ("sold", "Sold"),
    ("topped_up", "Topped up"),
    ("imported", "Imported"),
    ("transferred_in", "Transferred in"),
    ("redeemed", "Redeemed"),
    ("refunded", "Refunded"),
    ("transferred_out", "Transferred out"),
    ("expired", "Expired"),
    ("adjusted", "Adjusted"),
    ("closing", "Closing"),
]


def month_label(period: str) -> str:
    """Write "2026-08" as "Aug 2026" (a day period, "2026-08-05", as "5 Aug 2026"), as the downloads do."""
    return period_label(period)


def tips(values) -> list[str]:
    """Write a chart's amounts as its tooltips show them (₹1,05,400.00): figures are formatted here, never in JS."""
    return [format_inr(value) for value in values]


def _labelled(rows: list[dict], labels: dict[str, str]) -> list[dict]:
    return [{**row, "label": labels.get(row["package_type"], row["package_type"])} for row in rows]


def _by_kind_series(periods: list[str], rows: list[dict], field: str, kinds) -> list[dict]:
    """Return one dataset per kind over `periods` from rows keyed by (period, package_type)."""
    values = {(row["period"], row["package_type"]): row[field] for row in rows}
    return [
        {"label": kind.label, "data": [money_str(values.get((period, kind.package_type), 0)) for period in periods]}
        for kind in kinds
    ]


def liability_tab(values: dict, kinds, labels: dict[str, str], branch=None) -> dict:
    report = selectors.liability(as_of=values["as_of"], branch=branch)
    forecast = selectors.liability_forecast(months=12, today=timezone.localdate(), branch=branch)["months"]
    return {
        **report,
        "by_kind": _labelled(report["by_kind"], labels),
        "forecast": [{**month, "label": month_label(month["month"])} for month in forecast],
        "chart": {
            "labels": [labels[row["package_type"]] for row in report["by_kind"]],
            "values": [money_str(row["value"]) for row in report["by_kind"]],
            "total": money_str(report["total"]),
        },
        "forecast_chart": {
            "labels": [month_label(month["month"]) for month in forecast],
            "datasets": [
                {"label": kind.label, "data": [money_str(month["by_kind"][index]["value"]) for month in forecast]}
                for index, kind in enumerate(kinds)
            ],
        },
    }


def sales_tab(values: dict, kinds, labels: dict[str, str], months: list[tuple[date, date]], monthly: dict, branch=None) -> dict:
    if values["group"] == "month":
        report = monthly
    else:
        report = selectors.package_sales(date_from=values["date_from"], date_to=values["date_to"], group="day", branch=branch)
    periods = [start.strftime("%Y-%m") for start, _ in months]
    return {
        **report,
        "rows": [{**row, "label": labels[row["package_type"]], "period_label": month_label(row["period"])}
                 for row in report["rows"]],
        "chart": {
            "labels": [month_label(period) for period in periods],
            "datasets": _by_kind_series(periods, monthly["rows"], "total", kinds),
        },
    }


def redemptions_tab(
    values: dict, labels: dict[str, str], months: list[tuple[date, date]], monthly_sales: dict, branch=None
) -> dict:
    report = selectors.redemptions(date_from=values["date_from"], date_to=values["date_to"], branch=branch)
    sold: dict[str, object] = {}
    for row in monthly_sales["rows"]:
        sold[row["period"]] = sold.get(row["period"], 0) + row["taxable_value"]
    redeemed = [
        sum(row["value_redeemed"] for row in selectors.redemptions(date_from=start, date_to=end, branch=branch)["rows"])
        for start, end in months
    ]
    return {
        "rows": _labelled(report["rows"], labels),
        "totals": {
            name: sum(row[name] for row in report["rows"])
            for name in ("sessions_redeemed", "value_redeemed", "credit_spent", "list_price")
        },
        "chart": {
            "labels": [start.strftime("%b %Y") for start, _ in months],
            "sold": [money_str(sold.get(start.strftime("%Y-%m"), 0)) for start, _ in months],
            "redeemed": [money_str(value) for value in redeemed],
        },
    }


def breakage_tab(values: dict, labels: dict[str, str], months: list[tuple[date, date]], branch=None) -> dict:
    report = selectors.breakage(date_from=values["date_from"], date_to=values["date_to"], branch=branch)
    by_month = [selectors.breakage(date_from=start, date_to=end, branch=branch)["total"] for start, end in months]
    return {
        **report,
        "rows": _labelled(report["rows"], labels),
        "packages": sum(row["packages"] for row in report["rows"]),
        "chart": {
            "labels": [start.strftime("%b %Y") for start, _ in months],
            "values": [money_str(value) for value in by_month],
        },
    }


def rollforward_tab(values: dict, labels: dict[str, str], branch=None) -> dict:
    """The roll-forward's table, and its totals as a waterfall: each step floats from where the last one ended."""
    report = selectors.liability_rollforward(date_from=values["date_from"], date_to=values["date_to"], branch=branch)
    totals = report["totals"]
    steps, level = [], 0
    for name, label in WATERFALL:
        amount = totals[name]
        if name in ("opening", "closing"):
            start, end, kind = 0, amount, "total"
        else:
            signed = -amount if name in selectors.OUTFLOWS else amount
            start, end, kind = level, level + signed, "up" if signed >= 0 else "down"
        level = end
        steps.append({"label": label, "start": money_str(start), "end": money_str(end), "kind": kind, "amount": amount})
    return {
        **report,
        "rows": _labelled(report["rows"], labels),
        "chart": {
            "labels": [step["label"] for step in steps],
            "ranges": [[step["start"], step["end"]] for step in steps],
            "kinds": [step["kind"] for step in steps],
            "values": [money_str(step["amount"]) for step in steps],
        },
    }


def inter_branch_tab(values: dict) -> dict:
    report = selectors.inter_branch(date_from=values["date_from"], date_to=values["date_to"])
    return {
        **report,
        "sessions": sum(row["sessions"] for row in report["rows"]),
        "value": sum((row["value"] for row in report["rows"]), 0),
        "chart": {
            "labels": [f"{row['used_at']} used {row['sold_at']}'s" for row in report["rows"]],
            "values": [money_str(row["value"]) for row in report["rows"]],
        },
    }


def expiring_tab(values: dict, labels: dict[str, str], today: date, branch=None) -> dict:
    report = selectors.expiring(within_days=values["within_days"], today=today, branch=branch)
    packages = [
        {**row, "label": labels[row["package_type"]], "days_left": (row["expires_on"] - today).days}
        for row in report["packages"]
    ]
    by_kind = dict.fromkeys(labels, 0)
    for row in packages:
        by_kind[row["package_type"]] += 1
    return {
        "packages": packages,
        "value": sum(row["value"] for row in packages),
        "chart": {
            "labels": [labels[kind] for kind in by_kind],
            "values": [str(count) for count in by_kind.values()],
        },
    }


def day_close_tab(values: dict, branch=None) -> dict:
    report = selectors.day_close(day=values["day"], branch=branch)
    method_labels = dict(PaymentMethod.choices)
    by_method = [{**row, "label": method_labels.get(row["method"], row["method"])} for row in report["by_method"]]
    refunded = [{**row, "label": method_labels.get(row["method"], row["method"])} for row in report["refunded_by_method"]]
    return {
        **report,
        "by_method": by_method,
        "refunded_by_method": refunded,
        "chart": {
            "labels": [row["label"] for row in by_method],
            "values": [money_str(row["amount"]) for row in report["by_method"]],
        },
    }


def with_tips(chart: dict) -> dict:
    """Add each series' tooltips (and the total's words) to a chart of rupee amounts."""
    chart = {**chart}
    for key in ("values", "sold", "redeemed"):
        if key in chart:
            chart[f"{key}_tips"] = tips(chart[key])
    if "datasets" in chart:
        chart["datasets"] = [{**dataset, "tips": tips(dataset["data"])} for dataset in chart["datasets"]]
    if "total" in chart:
        chart["total_text"] = format_inr(chart["total"])
    return chart


@permission_required("view_reports")
def reports_page(request):
    """Show every report in a tab of its own, with its chart, its table and its downloads."""
    today = timezone.localdate()
    # Managers see their branches only; a chain-wide user (the Manager role) every branch, or all at once.
    in_chain = active_branches().count() > 1
    whole_chain = is_chain_wide(request.user) or not in_chain
    form = ReportFilters(request.GET or None, today=today, branches=user_branches(request.user), whole_chain=whole_chain)
    form.is_valid()  # errors are shown beside their picker; the defaults stand in for bad values
    values = form.values()
    branch = form.selected_branch(values)
    kinds = all_kinds()
    labels = {kind.package_type: kind.label for kind in kinds}
    months = months_between(values["date_from"], values["date_to"])
    with report_reads():  # on the reports replica when there is one (core/routers.py)
        monthly_sales = selectors.package_sales(
            date_from=values["date_from"], date_to=values["date_to"], group="month", branch=branch
        )
        # Keyed with underscores: a template cannot look up "package-sales".
        reports = {
            "liability": liability_tab(values, kinds, labels, branch),
            "rollforward": rollforward_tab(values, labels, branch),
            "package_sales": sales_tab(values, kinds, labels, months, monthly_sales, branch),
            "redemptions": redemptions_tab(values, labels, months, monthly_sales, branch),
            "breakage": breakage_tab(values, labels, months, branch),
            # Between branches: what one owes another, whichever branch is picked.
            "inter_branch": inter_branch_tab(values),
            "expiring": expiring_tab(values, labels, today, branch),
            "day_close": day_close_tab(values, branch),
        }
    tabs = [
        {
            "id": tab,
            "label": TAB_LABELS[tab],
            "download": f"/api/reports/{tab}?{form.api_query(values, TAB_PICKERS[tab], branch=tab != 'inter-branch')}",
            "fields": [_picker(form, values, name, tab) for name in TAB_PICKERS[tab]],
            "others": {name: value for name, value in _picker_params(values).items() if name not in TAB_PICKERS[tab]},
        }
        for tab in TABS
    ]
    return render(
        request,
        "reports/reports.html",
        {
            "form": form,
            "values": values,
            "tabs": tabs,
            "active": values["tab"],
            "reports": reports,
            # Rupee charts carry their tooltips written by format_inr; the expiring chart counts packages.
            "charts": {tab: report["chart"] if tab == "expiring" else with_tips(report["chart"]) for tab, report in reports.items()}
            | {"forecast": with_tips(reports["liability"]["forecast_chart"])},
            "today": today,
            "branch": branch,
            "branch_picker": form["branch"] if in_chain else None,
            "branch_others": {name: value for name, value in _picker_params(values).items() if name != "branch"},
        },
    )


def _picker(form: ReportFilters, values: dict, name: str, tab: str) -> dict:
    """Return what the template needs to draw one picker: the value shown is the one in force."""
    field = form[name]
    value = values[name]
    shown = field.value() if field.errors else (format_input_date(value) if isinstance(value, date) else value)
    return {
        "name": name,
        "label": field.label,
        "id": f"{tab}-{name}",
        "value": shown or "",
        "errors": field.errors,
        "choices": getattr(field.field, "choices", None),
        "is_date": isinstance(field.field, DayMonthYearField),
    }


def _picker_params(values: dict) -> dict[str, str]:
    """Return the pickers as GET parameters, so one tab's form keeps the others' choices."""
    return {
        name: value.isoformat() if isinstance(value, date) else str(value)
        for name, value in values.items()
        if name not in ("tab", "view")
    }


@permission_required("view_reports")
def accountant_files_page(request):
    """List the accountant's files: every month with documents at each of the user's branches, a download each."""
    branches = user_branches(request.user)
    with report_reads():
        months = accountant.months_with_documents(branches)
    rows = [
        {"month": month, "label": month_label(month), "branch": branch,
         "files": [{"name": name, "label": label} for name, label in accountant.FILES.items()]}
        for month, branch in months
    ]
    return render(request, "reports/files.html", {"rows": rows, "in_chain": len(branches) > 1})


@permission_required("view_reports")
def accountant_file(request, month: str, branch: str, name: str):
    """Download one file of a month at a branch the user may see; 404 for any other month, branch or name."""
    chosen = next((candidate for candidate in user_branches(request.user) if candidate.code == branch), None)
    if chosen is None or name not in accountant.FILES:
        raise Http404("No such file.")
    try:
        accountant.month_bounds(month)
    except ValueError as error:
        raise Http404(str(error)) from error
    with report_reads():
        built = accountant.build_file(accountant.month_documents(chosen, month), name)
    return attachment(built.content, built.content_type, built.filename)
