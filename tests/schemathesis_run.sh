#!/usr/bin/env bash
# Property-based test of the API from its own schema (schemathesis 4): no request a client
# can send may cause a 500, and every response must match the schema it is documented with.
#
# Starts gunicorn on a free 127.0.0.1 port against a throwaway SQLite database (migrated and
# seeded with `seed_demo`), authenticates as the seeded manager with an API token, runs
# schemathesis against /api/schema/ with a bounded number of examples, then stops the server.
# Exits non-zero when schemathesis finds a failure.
#
#   bash tests/schemathesis_run.sh            # the CI run (about two minutes)
#   ST_MAX_EXAMPLES=50 bash tests/schemathesis_run.sh
#   ST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/spa_st bash tests/schemathesis_run.sh
#     (an EMPTY throwaway PostgreSQL database that already exists; its tables are filled)
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="${VENV_BIN:-.venv/bin}"
PYTHON="$BIN/python"
MAX_EXAMPLES="${ST_MAX_EXAMPLES:-8}"
# One worker thread: with two, hypothesis parses source with ast.parse in both threads at once
# and CPython 3.11's AST constructor can fail with "SystemError: AST constructor recursion
# depth mismatch" (python/cpython#106905), a schemathesis "Runtime Error" that fails CI at random.
WORKERS="${ST_WORKERS:-1}"

WORK="$(mktemp -d /tmp/spa_pkg_schemathesis.XXXXXX)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

export DATABASE_URL="${ST_DATABASE_URL:-sqlite:///$WORK/db.sqlite3}"
export DEBUG=false
# DEBUG off needs a SECRET_KEY: a throwaway one for this run unless one is given.
export SECRET_KEY="${SECRET_KEY:-$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))')}"
export ALLOWED_HOSTS="127.0.0.1,localhost"
export LOG_LEVEL=ERROR
unset SQLITE_TEST_NAME || true

PORT="$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"

echo "schemathesis: preparing a throwaway database in $WORK"
"$PYTHON" manage.py migrate --noinput --verbosity 0
"$PYTHON" manage.py seed_demo > "$WORK/seed.log"
TOKEN="$("$PYTHON" manage.py shell -c "
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
print(Token.objects.get_or_create(user=get_user_model().objects.get(username='manager'))[0].key)
" 2>/dev/null | tail -n 1)"

echo "schemathesis: starting the server on $BASE"
# --no-control-socket: gunicorn 27's control socket has one fixed path per user, which two
# servers on one machine would take from each other.
"$BIN/gunicorn" spa_pkg.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 --timeout 60 --no-control-socket \
  --access-logfile /dev/null --error-logfile "$WORK/server.log" --capture-output &
SERVER_PID=$!
# Wait until the server answers (a 405 for GET on the token route is an answer).
"$PYTHON" - "$BASE" <<'EOF'
import sys, time, urllib.error, urllib.request
for _ in range(100):
    try:
        urllib.request.urlopen(sys.argv[1] + "/api/auth/token/", timeout=1)
        break
    except urllib.error.HTTPError:
        break
    except OSError:
        time.sleep(0.2)
else:
    sys.exit("schemathesis: the server did not start")
EOF

status=0
# Strings: any UTF-8 text with NUL bytes (PostgreSQL refuses NUL in text), and through the
# hooks a lone surrogate, year 1 and 9999 dates, 10.005 and huge numbers in place of one value
# of a body or query (tests/schemathesis_hooks.py; schemathesis itself never sends surrogates).
SCHEMATHESIS_HOOKS="$PWD/tests/schemathesis_hooks.py" \
"$BIN/schemathesis" run "$BASE/api/schema/?format=json" \
  --header "Authorization: Token $TOKEN" \
  --checks not_a_server_error,response_schema_conformance \
  --phases examples,coverage,fuzzing \
  --generation-allow-x00 true \
  --generation-codec utf-8 \
  --max-examples "$MAX_EXAMPLES" \
  --workers "$WORKERS" \
  --request-timeout 30 \
  --generation-database none \
  --no-color || status=$?

if [ "$status" -ne 0 ]; then
  echo "schemathesis: failures found (exit $status); server errors follow" >&2
  grep -A 40 "Traceback" "$WORK/server.log" | tail -n 200 >&2 || true
fi
exit "$status"
