"""Settings for spa_pkg, read from the environment (django-environ).

Every setting but one has a default that runs on a laptop: SQLite, DEBUG off unless asked,
the console e-mail backend. SECRET_KEY has none with DEBUG off: the app refuses to start
rather than sign sessions with a key anyone can read here. A real shop sets DATABASE_URL,
SECRET_KEY and ALLOWED_HOSTS.
"""
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: give the SECRET_KEY environment variable a long random value "
            "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'), or set DEBUG=true for development."
        )
    # Development only. The "django-insecure-" prefix makes `check --deploy` warn (security.W009).
    SECRET_KEY = "django-insecure-spa-pkg-development-key-never-use-in-production-0123456789"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "spa_pkg.apps.AdminConfig",  # the managers' admin site (core.admin_site)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # The built-in form templates, for FORM_RENDERER (TemplatesSetting).
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "djmoney",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "django_htmx",
    # Django's task framework (the django-tasks backport) and its database backend: the worker
    # of a single box (`manage.py db_worker`, started by `make run`).
    "django_tasks",
    "django_tasks_db",
    "core",  # the ground floor: helpers every app uses, importing none of them
    "api_tokens",
    "branches",
    "catalog",
    "customers",
    "packages",
    "receipts",
    "billing",
    "notifications",
    "reports",
    "portal",  # the customer's side: their own page (docs/customers-side.md)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below whitenoise, so static files keep their caching; everything else is no-store.
    "core.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything reads a body (the CSRF check does): an oversized API body gets JSON.
    "core.middleware.ApiBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.htmx: a page view answers an htmx request with its partial.
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as axes asks: it turns a locked-out sign-in into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "spa_pkg.urls"
# Contract paths answer with and without a trailing slash themselves (no redirects).
APPEND_SLASH = False

# Page forms render every field with templates/includes/field.html (core.forms).
FORM_RENDERER = "core.forms.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "spa_pkg.context_processors.spa",
            ],
        },
    },
]

WSGI_APPLICATION = "spa_pkg.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE makes concurrent writers queue on the busy timeout instead of failing
    # at once with "database is locked" (SQLite has no SELECT ... FOR UPDATE).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": env.int("SQLITE_TIMEOUT", default=20)}
    )
    # A file test database, so that threads in concurrency tests share it.
    DATABASES["default"]["TEST"] = {
        "NAME": env("SQLITE_TEST_NAME", default=str(BASE_DIR / "test_db.sqlite3"))
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections (docs/operations.md "Production"): each gunicorn thread keeps its connection for
# DB_CONN_MAX_AGE seconds instead of opening one per request (a few ms on PostgreSQL), and
# checks it with one round trip when a request starts, so a restarted server costs no error.
# 0 (the default, for `runserver` and the tests) closes it after every request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# A read replica for the reports (docs/scaling.md "A reports replica"): with
# REPORTS_DATABASE_URL set, the reports' reads go to the `reports` database (a streaming
# replica of the default one) and never load the counter's database; every write, and every
# other read, stays on `default` (core/routers.py).
REPORTS_DATABASE = None
if env("REPORTS_DATABASE_URL", default=""):
    REPORTS_DATABASE = "reports"
    DATABASES[REPORTS_DATABASE] = env.db("REPORTS_DATABASE_URL")
    DATABASES[REPORTS_DATABASE]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES[REPORTS_DATABASE]["CONN_HEALTH_CHECKS"] = True
    # The test run has no replica: the alias reads the test database itself.
    DATABASES[REPORTS_DATABASE]["TEST"] = {"MIRROR": "default"}
    # Only then: without a replica, no router is asked about every statement the counter runs.
    DATABASE_ROUTERS = ["core.routers.ReportsRouter"]

# One cache shared by every web process: throttles, login lock-outs and anything else that
# must count across workers. Redis when REDIS_URL is set; otherwise a database table
# (made by the migrations, branches 0003), never per-process memory.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="spa_pkg"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "spa_pkg_cache",
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sign-in lockouts (django-axes) on /login, /admin/login/ and POST /api/auth/token/: after
# LOGIN_FAILURE_LIMIT failures for one username from one address, that pair is refused for
# LOGIN_COOLOFF_MINUTES (0: until a manager unlocks it), the right password included.
# Attempts are rows in the database, so every web process sees the same count.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
# And a username locks from every address after this many failures from all addresses
# together (within the cool-off), so new addresses do not bring fresh guesses.
LOGIN_USERNAME_FAILURE_LIMIT = env.int("LOGIN_USERNAME_FAILURE_LIMIT", default=20)
LOGIN_COOLOFF_MINUTES = env.int("LOGIN_COOLOFF_MINUTES", default=15)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, with a user's permissions read in one query.
    "core.auth.PermissionBackend",
]
AXES_HANDLER = "core.logins.LoginAttemptHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_COOLOFF_MINUTES) if LOGIN_COOLOFF_MINUTES else None
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A successful sign-in forgets earlier failures: the limit is on failures in a row.
AXES_RESET_ON_SUCCESS = True
# The address the throttles count (REMOTE_ADDR, or NUM_PROXIES into X-Forwarded-For).
AXES_CLIENT_IP_CALLABLE = "core.logins.client_ip"
AXES_USERNAME_CALLABLE = "core.logins.attempt_username"
AXES_LOCKOUT_CALLABLE = "core.logins.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-in"
TIME_ZONE = env("TIME_ZONE", default="Asia/Kolkata")
USE_I18N = True
USE_TZ = True
# Django has no en_IN format module: ours (core/formats/en_IN) gives "23 May 2027",
# "23 May 2027, 1:10 PM", dd-mm-yyyy date inputs and lakh grouping. USE_THOUSAND_SEPARATOR
# stays off: a localized id would print as "1,234" in links; money goes through format_inr.
FORMAT_MODULE_PATH = ["core.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/integrated-billing"
LOGOUT_REDIRECT_URL = "login"

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="reminders@localhost")
if EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
    EMAIL_HOST = env("EMAIL_HOST", default="localhost")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
    EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# Reminders (docs/operations.md "Reminders"; notifications app). Days before expiry, the credit under
# which a low-balance notice goes, the channels tried for each customer, and the hour the
# daily jobs run in the spa's time zone (Celery beat; cron has its own lines).
REMINDER_DAYS_BEFORE_EXPIRY = sorted(
    {int(day) for day in env.list("REMINDER_DAYS_BEFORE_EXPIRY", default=["30", "7", "1"])}, reverse=True
)
LOW_CREDIT_REMINDER = env("LOW_CREDIT_REMINDER", default="500")
REMINDER_CHANNELS = env.list("REMINDER_CHANNELS", default=["email", "sms"])
REMINDER_HOUR = env.int("REMINDER_HOUR", default=9)
# How many times one message is tried before it is marked failed.
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=4)
# The lease a worker takes on one message while it sends it: a lease not given back within this
# many seconds belongs to a worker that died (docs/notifications.md). Keep it well above
# 2 x SMS_GATEWAY_TIMEOUT (connect, then answer), the longest a live send can take.
NOTIFICATION_CLAIM_TIMEOUT = env.int("NOTIFICATION_CLAIM_TIMEOUT", default=300)
# SMS and WhatsApp providers: "console" (writes the message to the log) or "http" (a gateway);
# WhatsApp also "cloud" (WhatsApp Cloud API, below).
SMS_BACKEND = env("SMS_BACKEND", default="console")
WHATSAPP_BACKEND = env("WHATSAPP_BACKEND", default="console")
SMS_GATEWAY_URL = env("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_API_KEY = env("SMS_GATEWAY_API_KEY", default="")
SMS_GATEWAY_SENDER = env("SMS_GATEWAY_SENDER", default="SPAPKG")
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=10.0)
# The gateway's signed delivery reports (POST /webhooks/sms, X-Signature-256: sha256=HMAC of the body).
SMS_GATEWAY_WEBHOOK_SECRET = env("SMS_GATEWAY_WEBHOOK_SECRET", default="")
# WhatsApp Cloud API (WHATSAPP_BACKEND=cloud): approved templates over Meta's Graph API, and its
# signed delivery webhooks (GET verify with WHATSAPP_VERIFY_TOKEN, POST signed with WHATSAPP_APP_SECRET).
WHATSAPP_API_URL = env("WHATSAPP_API_URL", default="https://graph.facebook.com/v21.0")
WHATSAPP_PHONE_NUMBER_ID = env("WHATSAPP_PHONE_NUMBER_ID", default="")
WHATSAPP_TOKEN = env("WHATSAPP_TOKEN", default="")
WHATSAPP_TIMEOUT = env.float("WHATSAPP_TIMEOUT", default=10.0)
WHATSAPP_VERIFY_TOKEN = env("WHATSAPP_VERIFY_TOKEN", default="")
WHATSAPP_APP_SECRET = env("WHATSAPP_APP_SECRET", default="")
# Quiet hours (local time, TIME_ZONE): a reminder due inside them waits for the window to open.
# Both empty: no quiet hours. REMINDER_HOUR should be at or after QUIET_HOURS_END.
QUIET_HOURS_START = env("QUIET_HOURS_START", default="21:00")
QUIET_HOURS_END = env("QUIET_HOURS_END", default="09:00")

# Where sends run (docs/notifications.md). Never in a request: a bill writes its notices and
# a worker sends them. Without CELERY_BROKER_URL the worker is `manage.py db_worker` (Django's
# task framework through django-tasks, its queue a table in this database; `make run` starts
# it beside the server), and the cron commands send in their own process.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Celery: with CELERY_BROKER_URL (Redis) a worker and beat run the jobs and the sends; without
# it, Celery's own tasks (beat's daily jobs) run eagerly in the caller's process.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The send tasks are acknowledged after they run (acks_late, notifications/tasks.py): a task
# whose worker is killed goes back to the queue once Redis has not heard of it for
# CELERY_VISIBILITY_TIMEOUT seconds (Redis' default is an hour). It must stay above the longest
# retry countdown (600 s) and NOTIFICATION_CLAIM_TIMEOUT, or Redis hands a waiting task to a
# second worker. One task reserved at a time, so a killed worker holds back one message only.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=900)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Keys under a prefix of their own, so several shops (or test runs) can share one Redis.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "global_keyprefix": env("CELERY_KEY_PREFIX", default="spa_pkg_celery:"),
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
}
CELERY_BEAT_SCHEDULE = {
    "expire-packages": {
        "task": "packages.tasks.expire_packages",
        "schedule": crontab(hour=REMINDER_HOUR, minute=0),
    },
    "send-reminders": {
        "task": "notifications.tasks.send_reminders",
        "schedule": crontab(hour=REMINDER_HOUR, minute=5),
    },
    # The journal's daily summary (docs/journal.md): every 15 minutes, so reports read few live rows.
    "fold-journal": {
        "task": "packages.tasks.fold_journal",
        "schedule": crontab(minute="*/15"),
    },
}

# Security: opt-in through the environment, so DEBUG=false on plain HTTP still works.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
# The billing pages show the receipt (/receipts/<id>) in a frame of their own origin.
X_FRAME_OPTIONS = "SAMEORIGIN"
# Content-Security-Policy (django-csp 4): everything comes from this origin, nothing from a CDN.
# Scripts and styles are static files; the few inline blocks that a third-party page needs
# (Swagger UI's start-up script) carry the per-request nonce. Bootstrap's CSS draws its
# icons with data: SVGs. Only our own pages may frame a page (the receipt on the billing page).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_HTTPS_PROXY", default=False) else None
)

# Money: rupees everywhere.
CURRENCIES = ("INR",)
DEFAULT_CURRENCY = "INR"
CURRENCY_CHOICES = [("INR", "INR ₹")]

# The spa's own details, printed on invoices and receipts.
SPA_NAME = env("SPA_NAME", default="Lotus Day Spa")
SPA_ADDRESS = env("SPA_ADDRESS", default="12 MG Road, Bengaluru, Karnataka 560001")
SPA_GSTIN = env("SPA_GSTIN", default="29ABCFE1234F1ZS")
SPA_STATE_CODE = env("SPA_STATE_CODE", default="29")
SPA_PHONE = env("SPA_PHONE", default="+91 80 4000 1234")
# The code of the first branch, made from the settings above (docs/operations.md "A chain of branches").
SPA_BRANCH_CODE = env("SPA_BRANCH_CODE", default="MAIN")

# Tax and numbering (see docs/gst.md).
PRICES_INCLUDE_TAX = env.bool("PRICES_INCLUDE_TAX", default=False)
ROUND_OFF_TO_RUPEE = env.bool("ROUND_OFF_TO_RUPEE", default=True)
# The GST rate of a package sale whose template covers no service chosen at sale: per kind
# ("membership=18,yearly_membership=18"), else PACKAGE_GST_RATE (docs/pricing.md).
PACKAGE_GST_RATE = env("PACKAGE_GST_RATE", default="5")
PACKAGE_GST_RATES = env.dict("PACKAGE_GST_RATES", default={})
# The discount (% of the list price) a seller may give without packages.override_package_price.
CASHIER_MAX_DISCOUNT_PERCENT = env("CASHIER_MAX_DISCOUNT_PERCENT", default="0")
# Rules the counter keeps (docs/gst.md, docs/money.md). A tax invoice of RULE46_THRESHOLD rupees or
# more (GST included) to a customer without a GSTIN carries the customer's address and state (GST
# Rule 46). Cash of CASH_LIMIT_PER_DAY or more from one customer in one day is refused
# (Income-tax s.269ST): only what stays under it is taken in cash.
RULE46_THRESHOLD = env("RULE46_THRESHOLD", default="50000")
CASH_LIMIT_PER_DAY = env("CASH_LIMIT_PER_DAY", default="200000")
# Document numbers (docs/gst.md "Document numbers"): at most 16 characters, unique per branch and
# financial year. {branch} is the branch's code, {fy} the financial year (26-27), {seq} the
# year's count, {date} the document's day; each series restarts at 1 on 1 April.
INVOICE_NUMBER_FORMAT = env("INVOICE_NUMBER_FORMAT", default="{branch}/{fy}/{seq:05d}")
RECEIPT_NUMBER_FORMAT = env("RECEIPT_NUMBER_FORMAT", default="{branch}/{fy}R{seq:05d}")
CREDIT_NOTE_NUMBER_FORMAT = env("CREDIT_NOTE_NUMBER_FORMAT", default="{branch}/{fy}C{seq:05d}")
# A refund of prepaid or kitty credit (no GST at sale, so no credit note): a refund voucher.
REFUND_VOUCHER_NUMBER_FORMAT = env("REFUND_VOUCHER_NUMBER_FORMAT", default="{branch}/{fy}V{seq:05d}")

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes DRF answer 401 (not 403) to anonymous calls.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api_tokens.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # The API speaks JSON only (the token route also takes a form); docs live at /api/docs/.
    "DEFAULT_PARSER_CLASSES": ["core.parsers.TextSafeJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.api.ApiSchema",
    "EXCEPTION_HANDLER": "core.api.api_exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "DEFAULT_THROTTLE_RATES": {"token": env("TOKEN_THROTTLE_RATE", default="20/min")},
    # How many proxies in front of the app append to X-Forwarded-For. 0: the client address is
    # REMOTE_ADDR and the header is ignored, so no caller can pick its own throttle key.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
}

# API tokens (api_tokens): a token dies API_TOKEN_TTL_DAYS after its last use, and at once
# when its user's password changes. A use is written at most once per
# API_TOKEN_LAST_USED_EVERY_MINUTES, so that calls do not write; the lifetime can run that
# much longer than its days.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=30)
API_TOKEN_LAST_USED_EVERY_MINUTES = env.int("API_TOKEN_LAST_USED_EVERY_MINUTES", default=60)

SPECTACULAR_SETTINGS = {
    "TITLE": "spa_pkg API",
    "DESCRIPTION": "Prepaid packages and pay-assign billing for spas and salons.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/(api/|integrated-billing/|packages/api/)",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.strip_trailing_slashes",
        "core.api.document_receipts",
    ],
    # Swagger UI from the drf-spectacular-sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": True, "validatorUrl": None},
    "ENUM_NAME_OVERRIDES": {
        "AssignmentStatusEnum": "packages.models.AssignmentStatus",
        "BenefitTypeEnum": "packages.models.BenefitType",
        "InvoiceStatusEnum": "billing.models.InvoiceStatus",
        "PaymentMethodEnum": "core.payments.PaymentMethod",
        "CounterPaymentMethodEnum": "core.payments.TENDER_CHOICES",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
    "loggers": {"xhtml2pdf": {"level": "ERROR"}},
}

# The Tally ledger names of the accountant's files (docs/going-live.md "Files for the accountant"):
# JSON laid over reports.tally.DEFAULT_LEDGERS key by key, e.g. {"payment": {"cash": "Cash in hand"}}.
ACCOUNTANT_LEDGERS = env.json("ACCOUNTANT_LEDGERS", default={})

# The customer's side (docs/customers-side.md). SITE_URL is the address customers reach the
# app at: links in messages and the QR codes on receipts start with it. A customer's link works
# for CUSTOMER_LINK_DAYS days (customers/links.py).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
CUSTOMER_LINK_DAYS = env.int("CUSTOMER_LINK_DAYS", default=30)
# The customer's page shows balances by the link alone; history, invoices and message
# preferences need a 6-digit code sent by SMS (portal/services.py): valid PORTAL_CODE_MINUTES,
# PORTAL_CODE_TRIES tries, then the browser stays signed in for PORTAL_SIGNED_IN_MINUTES.
# Codes and new links are limited per phone and per client address in a window of
# PORTAL_RATE_WINDOW_MINUTES (counted in the shared cache, like the other throttles).
PORTAL_CODE_MINUTES = env.int("PORTAL_CODE_MINUTES", default=10)
PORTAL_CODE_TRIES = env.int("PORTAL_CODE_TRIES", default=5)
PORTAL_SIGNED_IN_MINUTES = env.int("PORTAL_SIGNED_IN_MINUTES", default=30)
PORTAL_RATE_WINDOW_MINUTES = env.int("PORTAL_RATE_WINDOW_MINUTES", default=15)
PORTAL_CODE_PER_PHONE = env.int("PORTAL_CODE_PER_PHONE", default=3)
PORTAL_CODE_PER_ADDRESS = env.int("PORTAL_CODE_PER_ADDRESS", default=10)
PORTAL_LINK_PER_PHONE = env.int("PORTAL_LINK_PER_PHONE", default=3)
PORTAL_LINK_PER_ADDRESS = env.int("PORTAL_LINK_PER_ADDRESS", default=10)
# Tax records (invoices, credit notes, the journal) are kept this long (CGST Act s.36), erasure
# or not; the privacy notice (/privacy) says so.
TAX_RECORD_MONTHS = 72
