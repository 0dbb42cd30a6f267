"""manage.py import_packages: a dry run, bad rows in plain words, all or nothing, skipping bad rows, re-runs."""
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from customers.models import Customer
from packages.models import PackageAssignment, PackageBenefitTracker, PackageUsage
from tests.imports.conftest import day, row

pytestmark = pytest.mark.django_db


def run(path, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_packages", path, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(path, *args) -> str:
    err = StringIO()
    with pytest.raises(CommandError) as refusal:
        call_command("import_packages", path, *args, stdout=StringIO(), stderr=err)
    return f"{refusal.value}\n{err.getvalue()}"


def nothing_written() -> bool:
    return not (Customer.objects.exists() or PackageAssignment.objects.exists() or PackageUsage.objects.exists())


GOOD = [
    row(),
    row(phone="98860 54321", name="Vikram Shetty", kind="Prepaid credit", package="Prepaid 15,000", service="",
        **{"sessions left": "", "credit left": "12,400", "price paid": "15000", "reference": "OLD-2"}),
]


def test_a_dry_run_checks_every_row_and_writes_nothing(shop, write_file):
    out, _ = run(write_file(GOOD), "--dry-run")

    assert "2 package(s) to bring in, holding ₹13,328.57; 2 new customer(s)" in out
    assert "Dry run: nothing was written." in out
    assert nothing_written()


def test_every_bad_row_is_reported_with_its_row_number_in_plain_words(shop, write_file):
    path = write_file([
        row(phone="98450-1234"),
        row(service="Hot Stone", reference="OLD-2"),
        row(**{"sessions left": "5", "reference": "OLD-3"}),
        row(**{"expires on": day(-1), "reference": "OLD-4"}),
        row(kind="Voucher", reference="OLD-5"),
        row(package="9+9", reference="OLD-6"),
        row(**{"price paid": "three thousand", "reference": "OLD-7"}),
        row(reference="OLD-3"),
        row(phone="98000 00001", name="", reference="OLD-9"),
    ])

    said = refused(path)

    assert "row 2: phone 98450-1234 has 9 digits" in said
    assert 'row 3: service "Hot Stone" is not in the catalogue' in said
    assert "row 4: sessions left 5 is more than the 4 the package gives" in said
    assert f"row 5: expires on {day(-1)} has passed; the package is no longer in force" in said
    assert 'row 6: kind "Voucher" is not one of: Prepaid credit, Service package' in said
    assert 'row 7: no service package is named "9+9" or has the terms "9+9"' in said
    assert 'row 8: price paid "three thousand" is not an amount' in said
    assert 'row 9: reference "OLD-3" is also on row 4' in said
    assert "row 10: name is empty; a new customer needs one" in said
    assert "Nothing was brought in: 9 row(s) are bad" in said
    assert nothing_written()


def test_one_bad_row_among_good_ones_writes_nothing(shop, write_file):
    path = write_file([*GOOD, row(phone="12345", reference="OLD-3")])

    said = refused(path)

    assert "row 4: phone 12345 has 5 digits" in said
    assert nothing_written()


def test_a_phone_the_library_refuses_is_reported_in_its_words(shop, write_file):
    path = write_file([
        *GOOD,
        row(phone="+91 98450 123456", reference="OLD-3"),
        row(phone="5845012345", reference="OLD-4"),
        row(phone="+44 20 7946", reference="OLD-5"),
    ])

    said = refused(path)

    assert "row 4: phone +91 98450 123456 has 11 digits; a mobile number has 10" in said
    assert "row 5: phone 5845012345 is not an Indian phone number: a mobile number starts with 6, 7, 8 or 9" in said
    assert "row 6: phone +44 20 7946 is not a phone number of +44: check the digits after the country code" in said
    assert nothing_written()


def test_skipping_bad_rows_brings_in_the_good_ones(shop, write_file):
    path = write_file([*GOOD, row(phone="12345", reference="OLD-3")])

    out, err = run(path, "--skip-bad-rows")

    assert "row 4: phone 12345 has 5 digits" in err
    assert "Brought in 2 package(s) and 2 new customer(s); 1 bad row(s) skipped." in out
    assert set(PackageAssignment.objects.values_list("import_reference", flat=True)) == {"OLD-1", "OLD-2"}


def test_a_second_run_of_the_same_file_writes_nothing_twice(shop, write_file):
    path = write_file(GOOD)
    run(path)
    counts = (Customer.objects.count(), PackageAssignment.objects.count(), PackageUsage.objects.count(),
              PackageBenefitTracker.objects.count())

    out, _ = run(path)

    assert "0 package(s) to bring in" in out and "2 in already (same reference), left alone" in out
    assert (Customer.objects.count(), PackageAssignment.objects.count(), PackageUsage.objects.count(),
            PackageBenefitTracker.objects.count()) == counts == (2, 2, 2, 2)


def test_a_file_grown_since_the_last_run_brings_in_only_the_new_rows(shop, write_file):
    run(write_file(GOOD[:1]))

    run(write_file(GOOD))

    assert sorted(PackageAssignment.objects.values_list("import_reference", flat=True)) == ["OLD-1", "OLD-2"]


@pytest.mark.parametrize("name", ["packages.csv", "packages.xlsx"])
def test_csv_and_xlsx_bring_in_the_same_packages(shop, write_file, name):
    run(write_file(GOOD, name=name))

    facial, prepaid = PackageAssignment.objects.order_by("import_reference")
    assert (facial.package_name, facial.remaining_sessions, facial.total_sessions, facial.used_sessions) == (
        "3+1 Facial Package – Hydrating Facial", 3, 4, 1,
    )
    assert facial.customer.phone == "+919845012345" and facial.customer.email == "asha@example.com"
    assert (prepaid.credit_remaining.amount, prepaid.credit_amount.amount) == (12400, 17500)
    assert prepaid.price_paid.amount == 15000


def test_a_customer_already_registered_is_found_by_phone_and_kept(shop, write_file, customer):
    run(write_file([row(phone=customer.phone, name="Another Name")]))

    assert PackageAssignment.objects.get().customer == customer
    assert Customer.objects.count() == 1
    customer.refresh_from_db()
    assert customer.name != "Another Name"


def test_the_packages_belong_to_the_branch_named(shop, write_file):
    from tests.factories import BranchFactory

    branch = BranchFactory(code="IND")

    run(write_file(GOOD), "--branch", "ind")

    assert set(PackageAssignment.objects.values_list("branch__code", flat=True)) == {"IND"}
    assert set(PackageUsage.objects.values_list("home_branch__code", flat=True)) == {branch.code}


def test_a_branch_that_does_not_exist_is_refused(shop, write_file):
    assert 'There is no branch with the code "NOPE"' in refused(write_file(GOOD), "--branch", "NOPE")


def test_a_file_with_a_column_we_do_not_read_is_refused_before_any_row(shop, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("phone,name,kind,package,price paid,sold on,reference,expiry\n")

    assert "Column 'expiry' is not one we read" in refused(str(path))
