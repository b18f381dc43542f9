"""Seed the seven key functions of the library SKKNI (Kepmenaker 236/2019)."""

from django.db import migrations

KEY_FUNCTIONS = [
    (1, "Pengembangan Koleksi", "Collection development"),
    (2, "Pengorganisasian Bahan Perpustakaan", "Organising library materials"),
    (3, "Layanan Perpustakaan", "Library services"),
    (4, "Pelestarian Bahan Perpustakaan", "Preservation of library materials"),
    (5, "Pengembangan Profesi", "Professional development"),
    (6, "Pengelolaan Perpustakaan", "Library management"),
    (7, "Teknologi Informasi dan Komunikasi Perpustakaan", "ICT in libraries"),
]


def seed(apps, schema_editor):
    KeyFunction = apps.get_model("curriculum", "KeyFunction")
    for number, name, name_en in KEY_FUNCTIONS:
        KeyFunction.objects.update_or_create(number=number, defaults={"name": name, "name_en": name_en})


class Migration(migrations.Migration):
    dependencies = [("curriculum", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
