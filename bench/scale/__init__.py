"""The province-sized data set the page benchmark runs against (load-test data, not part of Lentera).

Run it with ``python bench/seed_scale.py [--factor 0.1] [--reset]`` from the project root (bench/run.py
does, for the ``pages`` benchmark). The modules: ``plan`` (how big, at a factor; no database),
``people`` (libraries, people, curricula, forms, question banks), ``delivery`` (cohorts, sessions,
attendance), ``results`` (tests, completion, certificates, feedback), ``db`` (the bulk writer:
COPY on PostgreSQL, executemany on SQLite), ``build`` (``seed_scale``: all of it, repeatable from a
seed) and ``command`` (the command line). Importing this package alone needs no Django.
"""
