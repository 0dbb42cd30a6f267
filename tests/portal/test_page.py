"""The customer's page over HTTP: a good, an expired and a wrong link; the code's every outcome; the limits."""
import time
from datetime import timedelta

import pytest
from django.core import signing

from customers.links import page_token
from portal.models import SignInCode
from tests.portal.conftest import code_in

pytestmark = pytest.mark.django_db


def expired_token(customer, settings) -> str:
    token = signing.TimestampSigner(salt="customers.page-link").sign(customer.page_key)
    settings.CUSTOMER_LINK_DAYS = 0
    time.sleep(1.1)
    return token


def test_a_good_link_shows_the_packages_with_balance_progress_expiry_and_status(client, link, asha, meera):
    response = client.get(link)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Asha Rao" in html and "3+1 Facial Package" in html
    assert "4/4 sessions" in html and 'class="balance-bar portal-bar" value="4" max="4"' in html
    assert "Valid till" in html and 'data-status="active"' in html
    assert "Meera" not in html and "Prepaid 15,000" not in html
    assert 'href="/privacy"' in html
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"


def test_a_credit_package_reads_rupees_left(client, meera):
    html = client.get(f"/my/{page_token(meera)}").content.decode()
    assert "₹17,500.00 of ₹17,500.00 left" in html  # 15,000 paid for 17,500 of credit


def test_an_expired_link_says_so_and_sends_a_new_one_to_the_phone_on_file(client, asha, settings, gateway, run_worker, post):
    token = expired_token(asha, settings)
    response = client.get(f"/my/{token}")
    assert response.status_code == 410
    html = response.content.decode()
    assert "This link has expired" in html and "ending 45" in html and "3+1 Facial" not in html
    response = post(client, f"/my/{token}/new-link")
    assert "A new link is on its way by SMS to your phone ending 45" in response.content.decode()
    assert gateway.requests == []  # the request only queued it
    settings.CUSTOMER_LINK_DAYS = 30
    run_worker()
    (sent,) = gateway.requests
    assert sent["body"]["to"] == "+919845012345"
    new_link = sent["body"]["text"].split(": ", 2)[2].split(" ")[0]
    assert new_link.startswith("http://127.0.0.1:8000/my/")
    assert client.get(new_link.removeprefix("http://127.0.0.1:8000")).status_code == 200


@pytest.mark.parametrize("token", ["not-a-token", "abc:def:ghi", "x" * 199])
def test_a_wrong_link_says_so_plainly_and_asks_for_the_phone(client, token, asha):
    response = client.get(f"/my/{token}")
    assert response.status_code == 404
    html = response.content.decode()
    assert "This link does not work" in html and 'name="phone"' in html and "Asha" not in html


def test_a_new_link_by_phone_answers_the_same_for_a_known_and_an_unknown_number(client, asha, gateway, run_worker, post):
    known = post(client, "/my/new-link", {"phone": "98450 12345"})
    unknown = post(client, "/my/new-link", {"phone": "90000 00000"})
    assert known.status_code == unknown.status_code == 200
    answer = "If this number is ours, a new link is on its way to it by SMS."
    assert answer in known.content.decode() and answer in unknown.content.decode()
    run_worker()
    assert [r["body"]["to"] for r in gateway.requests] == ["+919845012345"]


def test_a_new_link_by_phone_refuses_what_is_not_a_phone(client, db, post):
    response = post(client, "/my/new-link", {"phone": "hello"})
    assert response.status_code == 400
    assert "Enter your 10-digit mobile number" in response.content.decode()


def test_new_links_are_limited_per_phone_and_per_address(client, asha, settings, post):
    settings.PORTAL_LINK_PER_PHONE, settings.PORTAL_LINK_PER_ADDRESS = 2, 3
    codes = [post(client, "/my/new-link", {"phone": "98450 12345"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    # Other numbers from the same address: the address's own limit.
    codes = [post(client, "/my/new-link", {"phone": f"9000000{n:03d}"}).status_code for n in range(2)]
    assert codes == [429, 429]
    other_address = post(client, "/my/new-link", {"phone": "90000 00999"}, REMOTE_ADDR="10.1.2.3")
    assert other_address.status_code == 200


@pytest.mark.parametrize("part", ["history", "documents", "preferences"])
def test_the_private_parts_ask_for_a_code_first(client, link, part):
    response = client.get(f"{link}/{part}")
    assert response.status_code == 302
    assert response["Location"] == f"{link}/sign-in?next={part}"


def test_the_right_code_opens_history_invoices_and_preferences(client, link, asha, gateway, run_worker, post):
    response = post(client, f"{link}/sign-in", {"action": "send", "next": "documents"})
    assert response.status_code == 200 and "Code sent" in response.content.decode()
    assert gateway.requests == []
    run_worker()
    (sms,) = gateway.requests
    assert sms["body"]["to"] == "+919845012345"
    code = code_in(gateway)
    row = SignInCode.objects.get()
    assert row.code_hash != code and len(row.code_hash) == 64  # only a keyed hash (SHA-256) is kept
    response = client.post(f"{link}/sign-in", {"action": "check", "code": code, "next": "documents"})
    assert response.status_code == 302 and response["Location"] == f"{link}/documents"
    html = client.get(f"{link}/documents").content.decode()
    number = asha.sale.receipt.number
    assert number in html
    pdf = client.get(f"{link}/documents/{number}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    history = client.get(f"{link}/history").content.decode()
    assert "3+1 Facial Package" in history and "data-usage" in history
    assert client.get(f"{link}/preferences").status_code == 200
    # The code is single-use.
    again = client.post(f"{link}/sign-in", {"action": "check", "code": code})
    assert again.status_code == 400


def test_a_wrong_code_says_so_and_counts_down(client, link, gateway, run_worker, post):
    post(client, f"{link}/sign-in", {"action": "send"})
    run_worker()
    wrong = "000000" if code_in(gateway) != "000000" else "111111"
    response = client.post(f"{link}/sign-in", {"action": "check", "code": wrong})
    assert response.status_code == 400
    assert "That code is not right. Check the SMS and try again. 4 tries left." in response.content.decode()
    assert client.get(f"{link}/history").status_code == 302


def test_five_wrong_tries_end_the_code_even_for_the_right_one(client, link, gateway, run_worker, post):
    post(client, f"{link}/sign-in", {"action": "send"})
    run_worker()
    code = code_in(gateway)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        response = client.post(f"{link}/sign-in", {"action": "check", "code": wrong})
    assert "Too many wrong tries. Ask for a new code." in response.content.decode()
    response = client.post(f"{link}/sign-in", {"action": "check", "code": code})
    assert response.status_code == 400 and "Too many wrong tries" in response.content.decode()
    assert SignInCode.objects.get().tries == 5


def test_an_expired_code_is_refused(client, link, gateway, run_worker, post):
    post(client, f"{link}/sign-in", {"action": "send"})
    run_worker()
    row = SignInCode.objects.get()
    SignInCode.objects.filter(pk=row.pk).update(created_at=row.created_at - timedelta(minutes=11))
    response = client.post(f"{link}/sign-in", {"action": "check", "code": code_in(gateway)})
    assert response.status_code == 400 and "That code has expired" in response.content.decode()


def test_a_new_code_ends_the_one_before(client, link, gateway, run_worker, post):
    post(client, f"{link}/sign-in", {"action": "send"})
    run_worker()
    first = code_in(gateway)
    post(client, f"{link}/sign-in", {"action": "send"})
    run_worker()
    second = code_in(gateway)
    if first != second:
        assert client.post(f"{link}/sign-in", {"action": "check", "code": first}).status_code == 400
    assert client.post(f"{link}/sign-in", {"action": "check", "code": second}).status_code == 302


def test_codes_are_limited_per_phone_and_per_address(client, link, asha, meera, settings, post):
    settings.PORTAL_CODE_PER_PHONE, settings.PORTAL_CODE_PER_ADDRESS = 3, 4
    codes = [post(client, f"{link}/sign-in", {"action": "send"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert SignInCode.objects.filter(customer=asha).count() == 3
    meera_link = f"/my/{page_token(meera)}"
    assert post(client, f"{meera_link}/sign-in", {"action": "send"}).status_code == 429  # the address's limit
    other = post(client, f"{meera_link}/sign-in", {"action": "send"}, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 200


def test_the_preferences_stop_reminders_at_once(signed_in, link, asha):
    response = signed_in.post(f"{link}/preferences", {"reminders": "no"})
    assert "Saved" in response.content.decode()
    asha.refresh_from_db()
    assert asha.reminders_opt_out is True


def test_the_privacy_notice_is_public_and_names_what_how_long(client, db):
    html = client.get("/privacy").content.decode()
    assert "72 months" in html and "section 36" in html and "Until you ask us to erase them" in html
