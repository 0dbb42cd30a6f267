"""The notification log and the message texts in admin: filters, the resend action, the preview."""
import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from customers.consent import stop_url
from customers.links import customer_for_token
from notifications.models import MessageTemplate, Notification
from tests.factories import CustomerFactory, NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db
LOG = "/admin/notifications/notification/"


@pytest.fixture
def manager_client(client):
    client.force_login(UserFactory(username="admin-manager", is_staff=True, groups=["Manager"]))
    return client


@pytest.fixture
def log(package_expiring):
    package = package_expiring(CustomerFactory(name="Asha Rao"), days=7)
    return {
        "failed": NotificationFactory(assignment=package, channel="email", status="failed", error="e-mail: refused"),
        "sent": NotificationFactory(assignment=package, channel="sms", status="sent", recipient=package.customer.phone),
        "skipped": NotificationFactory(assignment=package, kind="low_balance", threshold=None, status="skipped"),
    }


def listed_ids(response) -> set[int]:
    return {row.pk for row in response.context["cl"].result_list}


def test_the_log_lists_every_notification_and_filters_by_status_kind_and_channel(
    manager_client, log, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        everything = manager_client.get(LOG)

    assert everything.status_code == 200
    assert listed_ids(everything) == {n.pk for n in log.values()}
    assert listed_ids(manager_client.get(LOG + "?status__exact=failed")) == {log["failed"].pk}
    assert listed_ids(manager_client.get(LOG + "?kind__exact=low_balance")) == {log["skipped"].pk}
    assert listed_ids(manager_client.get(LOG + "?channel__exact=sms")) == {log["sent"].pk}
    assert listed_ids(manager_client.get(LOG + "?q=Asha")) == {n.pk for n in log.values()}


def test_resend_queues_the_failed_ones_again_and_the_worker_sends_them(
    manager_client, log, django_capture_on_commit_callbacks, run_worker
):
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            LOG,
            {"action": "resend", "_selected_action": [log["failed"].pk, log["sent"].pk]},
            follow=True,
        )
    assert Notification.objects.get(pk=log["failed"].pk).status == "queued"  # the admin's request sent nothing
    assert mail.outbox == []
    run_worker()

    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    assert "1 notification(s) queued again." in messages
    assert "1 not failed, left as they were." in messages
    failed = Notification.objects.get(pk=log["failed"].pk)
    assert (failed.status, failed.error) == ("sent", "")
    (email,) = mail.outbox
    assert email.to == [log["failed"].customer.email]
    assert Notification.objects.get(pk=log["sent"].pk).attempts == 1


def test_a_cashier_sees_the_log_but_cannot_resend(client, log):
    cashier = UserFactory(is_staff=True, groups=["Cashier"])
    cashier.user_permissions.add(Permission.objects.get(codename="pause_assignment"))  # opens the admin to her
    client.force_login(cashier)

    page = client.get(LOG)

    assert page.status_code == 200
    assert page.context["action_form"] is None  # no action a cashier may run
    client.post(LOG, {"action": "resend", "_selected_action": [log["failed"].pk]})
    assert Notification.objects.get(pk=log["failed"].pk).status == "failed"


def test_a_message_text_is_edited_in_admin_and_previewed_with_sample_figures(manager_client):
    template = MessageTemplate.objects.get(kind="expiry", channel="sms")
    url = f"/admin/notifications/messagetemplate/{template.pk}/change/"

    response = manager_client.post(
        url,
        {
            "kind": "expiry",
            "channel": "sms",
            "subject": "",
            "body": "Hi {{ customer_name }}, {{ package_name }} ends {{ expires_on }} & {{ left }} left.",
        },
    )
    page = manager_client.get(url).content.decode()

    assert response.status_code == 302
    assert "Hi Priya Sharma, 3+1 Facial Package ends 23 May 2027 &amp; 1 session left." in page


def test_a_template_that_does_not_render_shows_the_error_in_the_preview(manager_client):
    template = MessageTemplate.objects.get(kind="expired", channel="email")
    MessageTemplate.objects.filter(pk=template.pk).update(body="{% if %}")

    page = manager_client.get(f"/admin/notifications/messagetemplate/{template.pk}/change/").content.decode()

    assert "This template does not render" in page


def test_the_edited_text_is_what_the_customer_gets(customer, package_expiring, today, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.REMINDER_CHANNELS = ["email"]
    MessageTemplate.objects.filter(kind="expiry", channel="email").update(
        subject="Reminder: {{ package_name }}", body="{{ days_left }} days to go."
    )
    package_expiring(customer, days=7)

    call_command("send_reminders", "--date", today.isoformat(), stdout=StringIO())

    (email,) = mail.outbox
    assert email.subject == "Reminder: 3+1 Facial Package – Hydrating Facial"
    # The edited words, then the customer's page and the opt-out link every reminder carries.
    text, links = email.body.split("\n\n")
    assert text == "7 days to go."
    page, stop = links.split("\n")
    assert page.startswith(f"Your packages: {settings.SITE_URL}/my/")
    assert customer_for_token(page.rsplit("/", 1)[1]) == customer
    assert stop == f"Stop these reminders: {stop_url(customer, 'email')}"


def test_the_customer_admin_shows_the_opt_out(manager_client, customer):
    page = manager_client.get(f"/admin/customers/customer/{customer.pk}/change/").content.decode()

    assert 'name="reminders_opt_out"' in page


def test_a_notification_says_whom_it_went_to_as_people_read_a_phone_and_hides_the_workers_bookkeeping(
    manager_client, log
):
    sent = log["sent"]
    phone = sent.recipient  # stored as +91XXXXXXXXXX

    html = manager_client.get(f"{LOG}{sent.pk}/change/").content.decode()

    assert f"+91 {phone[3:8]} {phone[8:]}" in html
    assert phone not in html
    assert "Claimed at" not in html
