"""Small local gateways on 127.0.0.1 for the reminder tests (tests/notifications, tests/ops): HTTP (an SMS gateway,
WhatsApp's Cloud API) and SMTP."""
import json
import socketserver
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Gateway:
    """An SMS gateway on 127.0.0.1: records each request; answers from a script, then 200."""

    def __init__(self):
        self.requests: list[dict] = []
        self.script: list[str] = []  # "500", "400", "slow" or "hang" per request, in order; then `default`
        self.default = "ok"
        self.slow_seconds = 1.0
        self.answer = lambda count: {"message_id": f"gw-{count}"}  # the body of a success
        # "hang": a gateway that takes the connection and never answers (until `close`).
        self.released = threading.Event()
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                with gateway.lock:
                    gateway.requests.append(
                        {"body": json.loads(raw), "raw": raw, "headers": dict(self.headers.items()), "path": self.path}
                    )
                    action = gateway.script.pop(0) if gateway.script else gateway.default
                if action == "slow":
                    time.sleep(gateway.slow_seconds)
                if action == "hang":
                    gateway.released.wait(timeout=60)
                if action == "500":
                    self._answer(500, {"error": "gateway busy"})
                elif action == "400":
                    self._answer(400, {"error": {"message": "(#132001) Template name does not exist", "code": 132001}})
                else:
                    self._answer(200, gateway.answer(len(gateway.requests)))

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


class SmtpGateway:
    """An SMTP server on 127.0.0.1 that records each message; answers from a script ("ok", "550", "hang"), then "ok"."""

    def __init__(self):
        self.messages: list[dict] = []
        self.script: list[str] = []
        self.released = threading.Event()
        gateway = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str):
                self.wfile.write(f"{line}\r\n".encode())

            def handle(self):
                action = gateway.script.pop(0) if gateway.script else "ok"
                if action == "hang":  # takes the connection and never greets
                    gateway.released.wait(timeout=60)
                    return
                self.reply("220 fake.smtp ESMTP")
                sender, recipients = "", []
                while line := self.rfile.readline().decode(errors="replace").strip():
                    verb = line.split(" ", 1)[0].upper().split(":")[0]
                    if verb in ("EHLO", "HELO"):
                        self.reply("250 fake.smtp")
                    elif verb == "MAIL":
                        sender = line.split(":", 1)[1].strip()
                        self.reply("250 OK")
                    elif verb == "RCPT":
                        recipients.append(line.split(":", 1)[1].strip().strip("<>"))
                        self.reply("250 OK")
                    elif verb == "DATA":
                        if action == "550":
                            self.reply("550 5.7.1 Message rejected")
                            continue
                        self.reply("354 End data with <CR><LF>.<CR><LF>")
                        data = []
                        while (chunk := self.rfile.readline().decode(errors="replace")) not in (".\r\n", ".\n", ""):
                            data.append(chunk)
                        gateway.messages.append({"from": sender, "to": recipients, "data": "".join(data)})
                        self.reply("250 OK queued")
                    elif verb == "QUIT":
                        self.reply("221 Bye")
                        return
                    else:
                        self.reply("250 OK")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.released.set()
        self.server.shutdown()
        self.server.server_close()
