"""The signed-in floor: Lentera's own settings (every middleware, the session and the user, the current
library) with one extra view that does nothing else (see floor_urls.py).

What a page costs above this floor is the page's own work (its queries and template); what the floor
costs above the bare-Django ceiling is the price of any signed-in Django page on this stack. Served
with ``DJANGO_SETTINGS_MODULE=ceiling.floor_settings`` and ``bench`` on the Python path (bench/run.py).
"""

from lentera.settings import *  # noqa: F403 - the product's settings, unchanged but for the URLconf

ROOT_URLCONF = "ceiling.floor_urls"
