from typing import Any

from django.core.management.base import BaseCommand

from lentera.demo.data import DEMO_PASSWORD
from lentera.demo.seed import DEMO_LOGINS, seed_demo


class Command(BaseCommand):
    help = "Load the Perpustakaan Kota Pasuruan demo. Safe to run again: it only adds what is missing."

    def handle(self, *args: Any, **options: Any) -> None:
        report = seed_demo()
        if report.created:
            made = ", ".join(f"{n} {what}" for what, n in report.created.items())
            self.stdout.write(self.style.SUCCESS(f"Demo loaded: {made}."))
        else:
            self.stdout.write("Demo already loaded; nothing changed.")
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for username, role in DEMO_LOGINS:
            self.stdout.write(f"  {username:<12} {role}")
