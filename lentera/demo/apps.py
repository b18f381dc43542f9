from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The Perpustakaan Kota Pasuruan demo data set (`manage.py seed_demo`).

    It sits above every domain app and writes only through their services, so the demo is
    built the way a coordinator would build it. Each later domain adds its part here.
    """

    name = "lentera.demo"
    label = "demo"
