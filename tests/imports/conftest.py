"""A shop with one template of every kind, and files of packages to bring in (CSV or XLSX)."""
import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import Workbook

from core.money import inr
from packages.importing import COLUMNS
from tests.factories import (
    KittyPartyFactory,
    MembershipFactory,
    PrepaidPackageFactory,
    ServiceFactory,
    ServicePackageFactory,
    StudentOfferFactory,
    UserFactory,
    YearlyMembershipFactory,
)


def day(offset: int) -> str:
    """A day `offset` days from today, as a spa writes it (dd-mm-yyyy)."""
    return (date.today() + timedelta(days=offset)).strftime("%d-%m-%Y")


def row(**cells) -> dict:
    """A row of the file: a good service package unless `cells` say otherwise."""
    base = {
        "phone": "98450 12345", "name": "Asha Rao", "email": "asha@example.com", "kind": "Service package",
        "package": "3+1", "service": "Hydrating Facial", "sessions left": "3", "price paid": "3600",
        "sold on": day(-30), "expires on": day(150), "reference": "OLD-1",
    }
    return {**base, **cells}


def csv_bytes(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def xlsx_bytes(rows: list[dict]) -> bytes:
    """The rows as Excel keeps them: numbers as numbers, dates as dates."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    for cells in rows:
        values = []
        for column in COLUMNS:
            value = cells.get(column, "")
            if column in ("sold on", "expires on") and value:
                value = date(int(value[6:]), int(value[3:5]), int(value[:2]))
            elif column in ("price paid", "sessions left") and value:
                value = float(value.replace(",", ""))
            values.append(value)
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def shop(db):
    """A template of every kind, named as the rows name them, and the services they cover."""
    facial = ServiceFactory(name="Hydrating Facial", price=inr("1200.00"))
    massage = ServiceFactory(name="Swedish Massage", price=inr("2500.00"))
    return {
        "facial": facial,
        "massage": massage,
        "service_package": ServicePackageFactory(name="3+1 Facial Package", pay_for=3, total_services=4),
        "prepaid": PrepaidPackageFactory(name="Prepaid 15,000", actual_price=inr("15000"), after_value=inr("17500")),
        "membership": MembershipFactory(name="Gold Membership", services_included=[facial, massage]),
        "student_offer": StudentOfferFactory(name="Student 20%"),
        "yearly_membership": YearlyMembershipFactory(name="Yearly Membership"),
        "kitty_party": KittyPartyFactory(name="Kitty Party 20,000", services_included=[massage]),
    }


@pytest.fixture
def write_file(tmp_path):
    """Write rows to a CSV (or XLSX) file and return its path."""

    def write(rows: list[dict], *, name: str = "packages.csv") -> str:
        path = tmp_path / name
        path.write_bytes(xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows))
        return str(path)

    return write


@pytest.fixture
def staff_manager(db):
    return UserFactory(username="import-manager", is_staff=True, groups=["Manager"])
