"""gunicorn for production (docs/operations.md "Production"), and what `make bench` measures over HTTP.

    gunicorn -c gunicorn.conf.py spa_pkg.wsgi

Two cores: three worker processes of four threads each. A bill is mostly waits on
PostgreSQL (round trips, row locks), during which a thread's process runs another request;
three processes keep both cores busy even while one holds the GIL. Each thread keeps its
database connection (DB_CONN_MAX_AGE), so 12 connections at most. Override with the
environment: WEB_CONCURRENCY (processes), GUNICORN_THREADS, GUNICORN_BIND.
"""
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Keep-alive between the proxy (or a bench client) and gunicorn; the proxy holds the slow clients.
keepalive = 5
timeout = 30
graceful_timeout = 20
# Restart a worker now and then so that a slow leak cannot grow for ever.
max_requests = 5000
max_requests_jitter = 500
accesslog = None
errorlog = "-"
# gunicorn 27 opens a control socket (for `gunicornc`) at one fixed path per user
# ($XDG_RUNTIME_DIR or ~/.gunicorn/gunicorn.ctl): a second server on the box would take it
# from the first. We never drive gunicorn through it (signals restart and stop it), so it is off.
control_socket_disable = True
