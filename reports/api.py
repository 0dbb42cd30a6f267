"""`GET /api/reports/<name>`: each report as JSON, or with `?format=csv|xlsx` as a download.

DRF reads `?format=` as its own renderer override (URL_FORMAT_OVERRIDE) and would answer
404 for a format no renderer has; a report view always renders JSON itself (forced content
negotiation) and reads `format` as one of its own inputs.
"""
from __future__ import annotations

from datetime import date

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from branches.models import Branch
from core.api import MoneyAmountField, envelope
from core.permissions import HasPerm, user_may
from core.routers import report_reads

from . import selectors
from .downloads import CSV, XLSX, Table, csv_response, report_table, with_total, xlsx_response
from .forms import EARLIEST_DATE, LATEST_DATE, within_report_dates

FORMATS = ("json", "csv", "xlsx")
MAX_DAILY_DAYS = 366
MAX_MONTHS = 36
MAX_WITHIN_DAYS = 3660


def _amount():
    return MoneyAmountField(as_money=False, min_value=None, read_only=True)


# --- inputs --------------------------------------------------------------------------------


class ReportInput(serializers.Serializer):
    format = serializers.ChoiceField(choices=FORMATS, default="json", help_text="json (default), csv or xlsx (a download).")
    branch = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="A branch code: only that branch (packages by where they were sold, redemptions by where they "
        "were used). Left out: the whole chain, and a chain's downloads get a branch column.",
    )

    def validate_branch(self, value):
        branch = Branch.objects.filter(code=value.strip().upper()).first() if value.strip() else None
        if value.strip() and branch is None:
            raise serializers.ValidationError(f"No branch has the code {value.strip().upper()!r}.")
        return branch


def _date_field(help_text: str):
    return serializers.DateField(
        required=False, validators=[within_report_dates],
        help_text=f"YYYY-MM-DD, from {EARLIEST_DATE} to {LATEST_DATE}; {help_text}.",
    )


class RangeInput(ReportInput):
    """`from` and `to` (Python keywords, hence declared in get_fields): the days reported on, both included."""

    def get_fields(self):
        return {
            "from": _date_field("default: the first day of the month of `to`"),
            "to": _date_field("default: today"),
            **super().get_fields(),
        }

    def validate(self, attrs):
        attrs["to"] = attrs.get("to") or timezone.localdate()
        attrs["from"] = attrs.get("from") or attrs["to"].replace(day=1)
        if attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"from": ["`from` must be on or before `to`."]})
        return attrs


class SalesInput(RangeInput):
    group = serializers.ChoiceField(choices=selectors.GROUPS, default="month", help_text="day or month.")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        days = (attrs["to"] - attrs["from"]).days + 1
        if attrs["group"] == "day" and days > MAX_DAILY_DAYS:
            message = f"A daily grouping covers at most {MAX_DAILY_DAYS} days; this range has {days}. Group by month."
            raise serializers.ValidationError({"group": [message]})
        return attrs


class LiabilityInput(ReportInput):
    as_of = _date_field("default: today")


class ForecastInput(ReportInput):
    months = serializers.IntegerField(min_value=1, max_value=MAX_MONTHS, default=12, help_text="This month and the next ones.")


class ExpiringInput(ReportInput):
    within_days = serializers.IntegerField(min_value=0, max_value=MAX_WITHIN_DAYS, default=30)


class DayCloseInput(ReportInput):
    date = _date_field("default: today")


# --- outputs (the schema; amounts as two-place strings) ------------------------------------

LiabilityKind = type(
    "LiabilityKindOutput",
    (serializers.Serializer,),
    {
        "package_type": serializers.CharField(),
        "packages": serializers.IntegerField(),
        "sessions_left": serializers.IntegerField(),
        "credit_left": _amount(),
        "value": _amount(),
    },
)
ForecastKind = type("ForecastKindOutput", (serializers.Serializer,), {"package_type": serializers.CharField(), "value": _amount()})
ForecastMonth = type(
    "ForecastMonthOutput",
    (serializers.Serializer,),
    {"month": serializers.CharField(), "total": _amount(), "by_kind": ForecastKind(many=True)},
)
SalesRow = type(
    "PackageSalesRowOutput",
    (serializers.Serializer,),
    {
        "period": serializers.CharField(),
        "package_type": serializers.CharField(),
        "sold": serializers.IntegerField(help_text="Packages sold or renewed, net of voids."),
        "top_ups": serializers.IntegerField(help_text="Credit top-ups, counted on their own day."),
        "taxable_value": _amount(),
        "gst": _amount(),
        "total": _amount(),
    },
)
SalesTotals = type(
    "PackageSalesTotalsOutput",
    (serializers.Serializer,),
    {
        "sold": serializers.IntegerField(),
        "top_ups": serializers.IntegerField(),
        "taxable_value": _amount(),
        "gst": _amount(),
        "total": _amount(),
    },
)
RedemptionRow = type(
    "RedemptionRowOutput",
    (serializers.Serializer,),
    {
        "package_type": serializers.CharField(),
        "sessions_redeemed": serializers.IntegerField(),
        "value_redeemed": _amount(),
        "credit_spent": _amount(),
        "list_price": MoneyAmountField(
            as_money=False, min_value=None, read_only=True,
            help_text="The list price of the sessions and credit used (what the bills show), not the value released.",
        ),
    },
)
ROLLFORWARD_AMOUNTS = ("opening", *selectors.ROLLFORWARD_COLUMNS, "closing")
RollforwardTotals = type(
    "RollforwardTotalsOutput", (serializers.Serializer,), {name: _amount() for name in ROLLFORWARD_AMOUNTS}
)
RollforwardRow = type(
    "RollforwardRowOutput",
    (serializers.Serializer,),
    {"package_type": serializers.CharField(), **{name: _amount() for name in ROLLFORWARD_AMOUNTS}},
)
InterBranchRow = type(
    "InterBranchRowOutput",
    (serializers.Serializer,),
    {
        "sold_at": serializers.CharField(help_text="The code of the branch that sold the packages."),
        "used_at": serializers.CharField(help_text="The code of the branch where they were used."),
        "sessions": serializers.IntegerField(),
        "value": _amount(),
    },
)
BreakageRow = type(
    "BreakageRowOutput",
    (serializers.Serializer,),
    {"package_type": serializers.CharField(), "packages": serializers.IntegerField(), "value": _amount()},
)
ExpiringPackage = type(
    "ExpiringPackageOutput",
    (serializers.Serializer,),
    {
        "assignment_id": serializers.IntegerField(),
        "customer_id": serializers.IntegerField(),
        "customer_name": serializers.CharField(),
        "phone": serializers.CharField(),
        "package_name": serializers.CharField(),
        "package_type": serializers.CharField(),
        "expires_on": serializers.DateField(allow_null=True),
        "sessions_left": serializers.IntegerField(),
        "credit_left": _amount(),
        "value": _amount(),
    },
)
MethodRow = type("DayCloseMethodOutput", (serializers.Serializer,), {"method": serializers.CharField(), "amount": _amount()})
CashierRow = type(
    "DayCloseCashierOutput",
    (serializers.Serializer,),
    {"cashier": serializers.CharField(), "invoices": serializers.IntegerField(), "amount": _amount()},
)

OUTPUTS = {
    "liability": envelope(
        "LiabilityOutput", as_of=serializers.DateField(), total=_amount(), by_kind=LiabilityKind(many=True)
    ),
    "liability-rollforward": envelope(
        "LiabilityRollforwardOutput",
        **{"from": serializers.DateField(), "to": serializers.DateField()},
        rows=RollforwardRow(many=True),
        totals=RollforwardTotals(),
    ),
    "liability-forecast": envelope("LiabilityForecastOutput", months=ForecastMonth(many=True)),
    "package-sales": envelope("PackageSalesOutput", rows=SalesRow(many=True), totals=SalesTotals()),
    "redemptions": envelope("RedemptionsOutput", rows=RedemptionRow(many=True)),
    "breakage": envelope("BreakageOutput", rows=BreakageRow(many=True), total=_amount()),
    "inter-branch": envelope("InterBranchOutput", rows=InterBranchRow(many=True)),
    "expiring": envelope("ExpiringOutput", packages=ExpiringPackage(many=True)),
    "day-close": envelope(
        "DayCloseOutput",
        date=serializers.DateField(),
        invoices=serializers.IntegerField(),
        voided=serializers.IntegerField(),
        by_method=MethodRow(many=True),
        by_cashier=CashierRow(many=True),
        total_collected=_amount(),
        refunded_by_method=MethodRow(many=True),
        total_refunded=_amount(),
        net_collected=_amount(),
    ),
}


# --- views ---------------------------------------------------------------------------------


def _responses(name: str) -> dict:
    return {
        (200, "application/json"): OUTPUTS[name],
        (200, CSV): OpenApiTypes.STR,
        (200, XLSX): OpenApiTypes.BINARY,
    }


class ReportApi(APIView):
    """One report: validate the query, run its selector, answer JSON or a download."""

    permission_classes = [HasPerm("view_reports")]
    name = ""
    input_class: type[serializers.Serializer] = ReportInput

    def perform_content_negotiation(self, request, force=False):
        # Always JSON (refusals too); `?format=` is this view's input, not DRF's renderer override.
        return super().perform_content_negotiation(request, force=True)

    def run(self, data: dict, request) -> tuple[dict, str]:
        """Return the selector's result and the dates part of the download's file name."""
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        query = self.input_class(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        data = query.validated_data
        data.setdefault("branch", None)
        with report_reads():  # on the reports replica when there is one (core/routers.py)
            return self.answer(data, request)

    def answer(self, data: dict, request):
        report, dates = self.run(data, request)
        if data["format"] == "json":
            return Response(OUTPUTS[self.name](report).data)
        filename = f"{self.name}-{dates}" if data["branch"] is None else f"{self.name}-{data['branch'].code}-{dates}"
        table = report_table(self.name, report)
        if data["branch"] is None:
            table = self.chain_table(data, request) or table
        table = with_total(self.name, table)
        if data["format"] == "csv":
            return csv_response(table, filename)
        return xlsx_response(table, filename, title=self.name)


    def chain_table(self, data: dict, request) -> Table | None:
        """A chain's download: the report of each branch under a Branch column (None for a single shop)."""
        branches = list(Branch.objects.order_by("code"))
        if len(branches) < 2:
            return None
        rows = []
        for branch in branches:
            report, _ = self.run({**data, "branch": branch}, request)
            rows += [[branch.code, *row] for row in report_table(self.name, report).rows]
        return Table(["Branch", *report_table(self.name, report).headers], rows)


def report_schema(name: str, input_class, summary: str, description: str):
    """Document a report view's GET: its query parameters, its JSON and its two downloads."""
    return extend_schema_view(
        get=extend_schema(
            operation_id=f"reports_{name.replace('-', '_')}",
            summary=summary,
            description=description,
            parameters=[input_class],
            responses=_responses(name),
            tags=["reports"],
        )
    )


def _range(data) -> str:
    return f"{data['from']:%Y-%m-%d}-to-{data['to']:%Y-%m-%d}"


@report_schema("liability", LiabilityInput, "Liability", (
    "What customers still hold on `as_of`, by kind (all six, zeros included). The liability is the chain's: "
    "a package sold at one branch is used at any; `?branch=` shows the packages sold there."
))
class LiabilityApi(ReportApi):
    name, input_class = "liability", LiabilityInput

    def run(self, data, request):
        as_of = data.get("as_of") or timezone.localdate()
        return selectors.liability(as_of=as_of, branch=data["branch"]), f"{as_of:%Y-%m-%d}"


@report_schema("liability-rollforward", RangeInput, "Liability roll-forward", (
    "From the liability on the day before `from` to the liability on `to`, by kind (all six) and in total: "
    "closing = opening + sold + topped_up + imported + transferred_in - redeemed - refunded - transferred_out "
    "- expired + adjusted. `sold` is sales and renewals net of voids; `adjusted` is corrections and "
    "reinstatements, signed. A package belongs to the branch that sold it (`?branch=`); `redeemed` counts its "
    "use at any branch. Time kinds release by the day: their `redeemed` is the fall in value the other "
    "columns do not explain."
))
class LiabilityRollforwardApi(ReportApi):
    name, input_class = "liability-rollforward", RangeInput

    def run(self, data, request):
        report = selectors.liability_rollforward(date_from=data["from"], date_to=data["to"], branch=data["branch"])
        return report, _range(data)


class InterBranchInput(RangeInput):
    """No branch: the report is between branches."""

    def get_fields(self):
        fields = super().get_fields()
        fields.pop("branch")
        return fields


@report_schema("inter-branch", InterBranchInput, "Inter-branch redemptions", (
    "What each branch redeemed of packages another branch sold, net of voids: sessions and the value released "
    "(what `used_at` earned of what `sold_at` was paid for)."
))
class InterBranchApi(ReportApi):
    name, input_class = "inter-branch", InterBranchInput

    def run(self, data, request):
        return selectors.inter_branch(date_from=data["from"], date_to=data["to"]), _range(data)

    def chain_table(self, data, request):
        return None  # its rows already name both branches


@report_schema(
    "liability-forecast", ForecastInput, "Liability forecast",
    "For this month and the next ones: the value that expires unused if nothing more is redeemed, by kind.",
)
class LiabilityForecastApi(ReportApi):
    name, input_class = "liability-forecast", ForecastInput

    def run(self, data, request):
        today = timezone.localdate()
        return selectors.liability_forecast(months=data["months"], today=today, branch=data["branch"]), f"{today:%Y-%m}-{data['months']}-months"


@report_schema("package-sales", SalesInput, "Package sales", "Packages sold per day or month and kind; voided sales left out.")
class PackageSalesApi(ReportApi):
    name, input_class = "package-sales", SalesInput

    def run(self, data, request):
        report = selectors.package_sales(
            date_from=data["from"], date_to=data["to"], group=data["group"], branch=data["branch"]
        )
        return report, f"{_range(data)}-by-{data['group']}"


@report_schema("redemptions", RangeInput, "Redemptions", "Sessions, value and credit packages gave at billing, net of voids.")
class RedemptionsApi(ReportApi):
    name, input_class = "redemptions", RangeInput

    def run(self, data, request):
        return selectors.redemptions(date_from=data["from"], date_to=data["to"], branch=data["branch"]), _range(data)


@report_schema("breakage", RangeInput, "Breakage", "Value held on their day of expiry by packages that expired in the period.")
class BreakageApi(ReportApi):
    name, input_class = "breakage", RangeInput

    def run(self, data, request):
        return selectors.breakage(date_from=data["from"], date_to=data["to"], branch=data["branch"]), _range(data)


@report_schema("expiring", ExpiringInput, "Expiring", "Packages that expire within `within_days`, soonest first: the call list.")
class ExpiringApi(ReportApi):
    name, input_class = "expiring", ExpiringInput

    def run(self, data, request):
        today = timezone.localdate()
        report = selectors.expiring(within_days=data["within_days"], today=today, branch=data["branch"])
        return report, f"{today:%Y-%m-%d}-{data['within_days']}-days"


@report_schema(
    "day-close", DayCloseInput, "Day close",
    "A day's invoices, voids, money in by method and cashier, and money paid back (refunds, and voids that "
    "pay back) by method; net_collected = total_collected - total_refunded. A cashier sees only their own.",
)
class DayCloseApi(ReportApi):
    """A cashier sees the day of their own invoices; a manager (view_reports) everyone's."""

    name, input_class = "day-close", DayCloseInput
    permission_classes = [HasPerm("day_close")]

    def run(self, data, request):
        day: date = data.get("date") or timezone.localdate()
        cashier = None if user_may(request.user, "view_reports") else request.user
        return selectors.day_close(day=day, cashier=cashier, branch=data["branch"]), f"{day:%Y-%m-%d}"


VIEWS = {
    view.name: view
    for view in (
        LiabilityApi, LiabilityRollforwardApi, LiabilityForecastApi, PackageSalesApi, RedemptionsApi, BreakageApi,
        InterBranchApi, ExpiringApi, DayCloseApi,
    )
}
