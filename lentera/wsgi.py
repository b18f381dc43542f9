"""WSGI entry point (gunicorn or granian in production)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lentera.settings")

application = get_wsgi_application()
