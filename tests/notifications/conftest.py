"""Fixtures for reminders: packages that expire on a chosen day, and a local SMS gateway."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from tests.factories import ServiceFactory, ServicePackageFactory, inr


@pytest.fixture(autouse=True)
def reminder_settings(settings):
    """E-mail (locmem in tests) and SMS on the console backend, the default thresholds."""
    settings.REMINDER_CHANNELS = ["email", "sms"]
    settings.REMINDER_DAYS_BEFORE_EXPIRY = [30, 7, 1]
    settings.LOW_CREDIT_REMINDER = "500"
    settings.SMS_BACKEND = "console"
    settings.WHATSAPP_BACKEND = "console"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.NOTIFICATION_MAX_ATTEMPTS = 4
    return settings


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def package_expiring(db, today):
    """Sell a 3+1 facial package to `customer` expiring `days` from today (through the packages service)."""
    from packages.services import assignment_create

    service = ServiceFactory(name="Hydrating Facial", price=inr("1200.00"))

    def make(customer, days: int, template=None):
        from datetime import timedelta

        return assignment_create(
            customer=customer,
            template=template or ServicePackageFactory(name="3+1 Facial Package"),
            service=service,
            expires_on=today + timedelta(days=days),
        )

    return make


class Gateway:
    """An SMS gateway on 127.0.0.1: records each request; answers from a script, then 200."""

    def __init__(self):
        self.requests: list[dict] = []
        self.script: list[str] = []  # "500" or "slow" per request, in order; then "ok"
        self.slow_seconds = 1.0
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with gateway.lock:
                    gateway.requests.append({"body": body, "headers": dict(self.headers.items()), "path": self.path})
                    action = gateway.script.pop(0) if gateway.script else "ok"
                if action == "slow":
                    time.sleep(gateway.slow_seconds)
                if action == "500":
                    self._answer(500, {"error": "gateway busy"})
                else:
                    self._answer(200, {"message_id": f"gw-{len(gateway.requests)}"})

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (its timeout): as a real gateway would see it

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/messages"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    """The local gateway, and the SMS backend pointed at it (0.3 s timeout)."""
    server = Gateway()
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = server.url
    settings.SMS_GATEWAY_API_KEY = "test-key-123"
    settings.SMS_GATEWAY_SENDER = "LOTUSS"
    settings.SMS_GATEWAY_TIMEOUT = 0.3
    yield server
    server.close()
