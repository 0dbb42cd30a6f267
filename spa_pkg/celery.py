"""The Celery app: a worker and beat run the daily jobs and the sends when CELERY_BROKER_URL is set.

Without a broker (`make run`, the tests, a single box on cron) tasks run eagerly in the
caller's process and nothing needs Redis. Settings are read from Django's, prefix CELERY_.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spa_pkg.settings")

app = Celery("spa_pkg")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
