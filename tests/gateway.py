"""A small SMS gateway on 127.0.0.1 for the reminder tests (tests/notifications, tests/ops)."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Gateway:
    """An SMS gateway on 127.0.0.1: records each request; answers from a script, then 200."""

    def __init__(self):
        self.requests: list[dict] = []
        self.script: list[str] = []  # "500", "slow" or "hang" per request, in order; then `default`
        self.default = "ok"
        self.slow_seconds = 1.0
        # "hang": a gateway that takes the connection and never answers (until `close`).
        self.released = threading.Event()
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with gateway.lock:
                    gateway.requests.append({"body": body, "headers": dict(self.headers.items()), "path": self.path})
                    action = gateway.script.pop(0) if gateway.script else gateway.default
                if action == "slow":
                    time.sleep(gateway.slow_seconds)
                if action == "hang":
                    gateway.released.wait(timeout=60)
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

    def delivered(self) -> dict[str, dict]:
        """The messages a real gateway would deliver: the first request of each idempotency key."""
        with self.lock:
            first: dict[str, dict] = {}
            for request in self.requests:
                first.setdefault(request["headers"]["Idempotency-Key"], request)
            return first

    def close(self):
        self.released.set()
        self.server.shutdown()
        self.server.server_close()
