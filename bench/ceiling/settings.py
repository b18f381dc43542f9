"""Settings of the bare-Django ceiling (see __init__.py): only what Django needs to answer."""

DEBUG = False
SECRET_KEY = "bench-ceiling-" + "x" * 50  # noqa: S105 - a loopback-only benchmark app, nothing to protect
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "ceiling.urls"
WSGI_APPLICATION = "ceiling.wsgi.application"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict[str, dict[str, str]] = {}
TEMPLATES: list[dict[str, str]] = []
USE_I18N = False
USE_TZ = True
