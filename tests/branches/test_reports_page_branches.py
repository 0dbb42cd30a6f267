"""/reports in a chain: the branch picker, `?branch=` honoured on every tab, a branch manager kept to their branches."""
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from tests.branches.conftest import works_at
from tests.factories import (
    AssignmentFactory,
    JournalRowFactory,
    PrepaidPackageFactory,
    ServicePackageFactory,
    UserFactory,
)
from tests.pages.test_pages import json_script

pytestmark = pytest.mark.django_db


@pytest.fixture
def sold(indiranagar, koramangala):
    """A 3+1 (3,600) sold at Indiranagar with a session used at Koramangala; credit (15,000) sold at Koramangala."""
    day = timezone.localdate() - timedelta(days=3)
    series = AssignmentFactory(template=ServicePackageFactory(), branch=indiranagar, assigned_on=day, sale_value="3600.00")
    JournalRowFactory(assignment=series, event="sale", business_day=day, value_delta="3600.00", sessions_delta=4)
    JournalRowFactory(assignment=series, event="redemption", business_day=day + timedelta(days=1),
                      value_delta="-900.00", sessions_delta=-1, branch=koramangala)
    credit = AssignmentFactory(template=PrepaidPackageFactory(), branch=koramangala, assigned_on=day, sale_value="15000.00")
    JournalRowFactory(assignment=credit, event="sale", business_day=day, value_delta="15000.00")


def liability_total(html: str) -> str:
    return re.search(r'data-testid="liability-total">([^<]+)<', html).group(1)


def test_a_chain_wide_manager_picks_any_branch_or_all_of_them(client, manager, sold):
    client.force_login(manager)

    whole = client.get("/reports").content.decode()
    ind = client.get("/reports?branch=ind").content.decode()

    picker = whole[whole.index('data-testid="branch-picker"'):]
    options = re.findall(r'<option value="([^"]*)"', picker[: picker.index("</select>")])
    assert options == ["", "IND", "KOR"]
    assert liability_total(whole) == "₹17,700.00"
    assert liability_total(ind) == "₹2,700.00"
    assert 'data-testid="branch-shown"' in ind and "Indiranagar (IND)" in ind
    # The downloads and every tab's form carry the branch.
    assert 'href="/api/reports/liability-rollforward?from=' in ind and "&amp;branch=IND&amp;format=csv" in ind
    assert '<input type="hidden" name="branch" value="IND">' in ind


def test_the_rollforward_tab_draws_a_waterfall_from_opening_to_closing(client, manager, sold):
    client.force_login(manager)
    today = timezone.localdate()

    response = client.get(f"/reports?tab=liability-rollforward&date_from={today - timedelta(days=3):%d-%m-%Y}&branch=IND")

    html = response.content.decode()
    assert 'class="nav-link active" id="tab-liability-rollforward"' in html
    assert re.search(r'data-testid="rollforward-closing">₹2,700.00<', html)
    chart = json_script(response, "report-charts")["rollforward"]
    assert chart["labels"][0] == "Opening" and chart["labels"][-1] == "Closing"
    steps = dict(zip(chart["labels"], chart["ranges"], strict=True))
    assert steps["Opening"] == ["0.00", "0.00"]
    assert steps["Sold"] == ["0.00", "3600.00"]
    assert steps["Redeemed"] == ["3600.00", "2700.00"]
    assert steps["Closing"] == ["0.00", "2700.00"]
    assert chart["values_tips"][1] == "₹3,600.00"


def test_the_inter_branch_tab_lists_what_one_branch_owes_another(client, manager, sold):
    client.force_login(manager)
    today = timezone.localdate()

    html = client.get(f"/reports?tab=inter-branch&date_from={today - timedelta(days=10):%d-%m-%Y}").content.decode()

    body = html[html.index('data-testid="table-inter-branch"'):]
    assert re.search(r"<td>IND</td><td>KOR</td><td[^>]*>1</td><td[^>]*>₹900.00</td>", body)


def test_a_branch_manager_sees_only_their_branches(client, koramangala, sold):
    branch_manager = works_at(UserFactory(username="kor-manager"), koramangala)
    branch_manager.user_permissions.add(Permission.objects.get(codename="view_reports", content_type__app_label="billing"))
    client.force_login(branch_manager)

    html = client.get("/reports").content.decode()
    refused = client.get("/reports?branch=IND").content.decode()

    picker = html[html.index('id="report-branch"'):]
    assert re.findall(r'<option value="([^"]*)"', picker[: picker.index("</select>")]) == ["KOR"]
    assert liability_total(html) == "₹15,000.00"
    # Another branch is not theirs to pick: named as a bad choice, their own shown instead.
    assert liability_total(refused) == "₹15,000.00"
    assert 'data-testid="picker-errors"' in refused
