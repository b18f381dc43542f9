"""The bare-Django ceiling: the fastest page Django itself serves, measured beside Lentera's pages.

What "bare" means here: Django's own request cycle under the same gunicorn command as the
product (WSGIHandler, one URL pattern resolved, a view returning a 12-byte HttpResponse) and
nothing else: no installed apps, no database, no middleware, no templates, no sessions, no i18n.
Everything a Lentera page costs beyond this (middleware, session and user loading, queries,
template rendering) is what the ratio "page requests/s ÷ ceiling requests/s" measures.

Served with ``DJANGO_SETTINGS_MODULE=ceiling.settings`` and ``bench`` on the Python path (see
bench/run.py); it is not part of Lentera's URLs.
"""
