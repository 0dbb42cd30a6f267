"""WSGI entry point (gunicorn spa_pkg.wsgi)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spa_pkg.settings")
application = get_wsgi_application()
