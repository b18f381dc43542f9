"""Seed the functional levels of librarians. They stay editable data (admin)."""

from django.db import migrations

LEVELS = [
    ("Ahli Pertama", True),
    ("Ahli Muda", True),
    ("Ahli Madya", True),
    ("Ahli Utama", True),
    ("Terampil", True),
    ("Mahir", True),
    ("Penyelia", True),
    ("Non-PNS", False),
]


def seed(apps, schema_editor):
    FunctionalLevel = apps.get_model("accounts", "FunctionalLevel")
    for order, (name, civil) in enumerate(LEVELS, start=1):
        FunctionalLevel.objects.get_or_create(name=name, defaults={"order": order, "is_civil_servant": civil})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
