# Lentera: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
AXE := tests/browser/node_modules/axe-core/axe.min.js
# pytest workers (pytest-xdist): one per core by default; PYTEST_WORKERS=0 runs in one process
PYTEST_WORKERS ?= auto

.PHONY: demo test test-clock install lint types unit browser messages screenshots clean-venv check-browser bench walk-guide

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# The demo's links (certificate QR codes, emails) use the port it serves on; its emails are files.
demo: export SITE_URL ?= http://127.0.0.1:$(PORT)
demo: export EMAIL_FILE_PATH ?= data/emails
demo: $(STAMP)
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	$(PY) manage.py feedback_sync
	@echo ""
	@echo "Lentera is running at $$SITE_URL  (Ctrl+C stops it)"
	@echo "Emails the demo sends (invitations, password resets, reminders) are files in $$EMAIL_FILE_PATH/"
	@# the background worker (imports, certificates, emails) runs beside the web server and stops with it;
	@# it writes a heartbeat, and a job of a worker that died is run again (lentera/lib/jobs.py)
	$(PY) manage.py lentera_worker --interval 1 > data/worker.log 2>&1 & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The browser tests need a Chromium: Debian's package when root, else Playwright's own download.
check-browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	elif $(PY) -m playwright install chromium; then :; \
	else echo "No Chromium: install Debian's 'chromium' package (as root) or run '$(PY) -m playwright install chromium'."; exit 1; fi

$(AXE): tests/browser/package.json
	@command -v npm >/dev/null || { echo "npm is needed to fetch axe-core for the accessibility tests."; exit 1; }
	cd tests/browser && npm ci --silent --no-audit --no-fund
	@touch $(AXE)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

types: $(STAMP)
	$(VENV)/bin/mypy lentera

unit: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -m "not browser" -q -n $(PYTEST_WORKERS)

browser: $(STAMP) check-browser $(AXE)
	$(VENV)/bin/pytest -m browser -q -n $(PYTEST_WORKERS) tests/browser

test: $(STAMP) check-browser $(AXE)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy lentera
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -q -n $(PYTEST_WORKERS)

# The tests that read the clock or the demo, again on fixed days besides today (conftest.py:
# LENTERA_TEST_CLOCK): the first Monday of a new year and a leap day. CI runs it on SQLite.
CLOCK_DAYS ?= 2027-01-04T08:30+07:00 2028-02-29T16:45+07:00
test-clock: $(STAMP)
	@for day in $(CLOCK_DAYS); do \
		echo "== clock pinned to $$day =="; \
		LENTERA_TEST_CLOCK=$$day $(VENV)/bin/pytest -q -n $(PYTEST_WORKERS) -m "clock and not browser" || exit 1; \
	done

# Walk docs/deployment.md to the end (.ci/walk-guide): its commands on a scratch folder and a scratch
# PostgreSQL database (PGHOST 127.0.0.1, PGPORT 5432, PGUSER postgres, trust), created and dropped. CI runs it.
walk-guide: $(STAMP)
	$(PY) .ci/walk-guide

# Regenerate the user-guide screenshots in docs/panduan/img from the browser tests.
screenshots: $(STAMP) check-browser $(AXE)
	LENTERA_SCREENSHOTS=docs/panduan/img $(VENV)/bin/pytest -m browser -q tests/browser

# Extract new strings into the Indonesian catalogue, then compile it.
messages: $(STAMP)
	cd lentera && ../$(PY) ../manage.py makemessages -l id --no-obsolete --add-location file
	cd lentera && ../$(PY) ../manage.py compilemessages -l id

clean-venv:
	rm -rf $(VENV)

# Benchmarks (see bench/run.py); figures go to bench/results/.
bench: $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	@# the page benchmark's load generator for GETs: Debian's wrk (locust, for the POSTs, is in the bench extra)
	@if command -v wrk >/dev/null; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's wrk for the page benchmark..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	else echo "No wrk: the page benchmark is skipped (install Debian's 'wrk' package as root)."; fi
	$(PY) bench/run.py
