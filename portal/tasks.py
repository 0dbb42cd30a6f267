"""The customer's-side SMS, sent by the worker, never in a request (docs/notifications.md, docs/customers-side.md).

Without a broker they are tasks of Django's task framework (`manage.py db_worker` runs them);
with CELERY_BROKER_URL, Celery tasks. The task carries only a row's or a customer's id: the
code is made by the worker and only its hash is stored, and a link is signed when sent.
"""
import secrets

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django_tasks import task

from customers.links import page_url
from customers.models import Customer
from notifications.channels import SendFailed
from notifications.services import customer_sms_send

from .models import SignInCode
from .services import code_make


def _celery() -> bool:
    return bool(settings.CELERY_BROKER_URL) and not settings.CELERY_TASK_ALWAYS_EAGER


def sign_in_code_send(code_id: int) -> str:
    """Make the code of request `code_id`, store its hash and send it by SMS."""
    row = SignInCode.objects.select_related("customer").filter(pk=code_id, used_at__isnull=True).first()
    if row is None or row.code_hash:
        return "nothing to send"  # superseded by a newer code, or sent already
    code = code_make(row)
    context = {"code": code, "minutes": settings.PORTAL_CODE_MINUTES}
    try:
        customer_sms_send(phone=row.customer.phone, key="sign_in_code", context=context, reference=2 * row.pk)
    except SendFailed:
        return "failed"
    return "sent"


def page_link_send(customer_id: int) -> str:
    """Send a fresh link to the customer's page by SMS to the phone on file."""
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        return "nothing to send"
    context = {"url": page_url(customer), "days": settings.CUSTOMER_LINK_DAYS}
    # A fresh (odd) reference each time: "send my packages" twice is two messages; codes use even ones.
    reference = 2 * secrets.randbelow(2**60) + 1
    try:
        customer_sms_send(phone=customer.phone, key="page_link", context=context, reference=reference)
    except SendFailed:
        return "failed"
    return "sent"


@task()
def send_sign_in_code(code_id: int) -> str:
    return sign_in_code_send(code_id)


@task()
def send_page_link(customer_id: int) -> str:
    return page_link_send(customer_id)


@shared_task(name="portal.tasks.send_sign_in_code_celery", acks_late=True, reject_on_worker_lost=True)
def send_sign_in_code_celery(code_id: int) -> str:
    return sign_in_code_send(code_id)


@shared_task(name="portal.tasks.send_page_link_celery", acks_late=True, reject_on_worker_lost=True)
def send_page_link_celery(customer_id: int) -> str:
    return page_link_send(customer_id)


def code_dispatch(code_id: int) -> None:
    """Hand the code request to the worker after commit."""
    if _celery():
        transaction.on_commit(lambda: send_sign_in_code_celery.delay(code_id))
    else:
        transaction.on_commit(lambda: send_sign_in_code.enqueue(code_id))


def link_dispatch(customer_id: int) -> None:
    """Hand the link SMS to the worker after commit."""
    if _celery():
        transaction.on_commit(lambda: send_page_link_celery.delay(customer_id))
    else:
        transaction.on_commit(lambda: send_page_link.enqueue(customer_id))
