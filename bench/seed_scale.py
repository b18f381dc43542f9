"""Build the province-sized data set on top of the Pasuruan demo (bench/scale/; see ``--help``).

Usage (from the project root): python bench/seed_scale.py [--factor 0.1] [--seed N] [--reset] [--now ISO]

It writes to the database the settings name, as ``manage.py`` does (bench/run.py gives it a scratch one).

The last line of output is a JSON summary (rows, seconds, rows per second, rows per table).
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lentera.settings")  # as manage.py: the current database

import django_env  # noqa: F401 - sets up Django (and puts the project root on the path)

from bench.scale.command import main

if __name__ == "__main__":
    sys.exit(main())
