# The two set-up commands of the README, and a few helpers. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-postgres browsers libreoffice bench bench-tools clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.tests: tests/requirements.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r tests/requirements.txt
	touch $@

## make run: install, migrate, load the demo into an empty database, serve on http://127.0.0.1:5000/
run: $(VENV)/.runtime
	$(BIN)/python app.py $(ARGS)

## make test: install the test needs and run the whole suite (SQLite)
test: $(VENV)/.tests browsers libreoffice
	$(BIN)/python -m pytest -n auto -q $(PYTEST_ARGS)

## make test-postgres: the same suite against PostgreSQL and Redis on this machine
test-postgres: $(VENV)/.tests browsers libreoffice
	DATABASE_URL=$${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	$(BIN)/python -m pytest -n auto -q $(PYTEST_ARGS)

## Browser tests drive Debian's Chromium (installed when missing and we are allowed to, as root) and
## inject axe-core from the npm registry (pinned in tests/browser/package-lock.json, with vnu-jar, the Nu HTML
## Checker, which runs on Debian's Java: --ignore-scripts, or vnu-jar's install script would download a Java when
## none is installed yet). Without them the browser tests are skipped; with REQUIRE_BROWSERS=1
## (set by .ci/run) a failed install stops here.
browsers: tests/browser/node_modules/axe-core/axe.min.js

missing = if [ "$(REQUIRE_BROWSERS)" = "1" ]; then echo "Error: $(1); REQUIRE_BROWSERS=1 makes the browser tests mandatory." >&2; exit 1; \
  else echo "$(1); $(2) will be skipped."; fi

tests/browser/node_modules/axe-core/axe.min.js: tests/browser/package-lock.json
	@if command -v npm >/dev/null; then \
	  npm ci --prefix tests/browser --ignore-scripts --no-audit --no-fund --silent || { $(call missing,npm ci could not install axe-core and vnu-jar,accessibility and HTML checker tests); }; \
	else $(call missing,npm is not installed,accessibility and HTML checker tests); fi

browsers:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
	      || { $(call missing,Could not install chromium and chromium-driver,browser tests); }; \
	  else $(call missing,Chromium is not installed (apt-get install chromium chromium-driver),browser tests); fi; \
	fi
	@if ! command -v java >/dev/null; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null) \
	      || { $(call missing,Could not install default-jre-headless,the HTML checker test); }; \
	  else $(call missing,Java is not installed (apt-get install default-jre-headless),the HTML checker test); fi; \
	fi

## The import tests read Word files that LibreOffice writes from tests/fixtures/word/*.fodt (tests/word_fixtures.py),
## and the export tests open every download in it (Writer for .docx, Calc for the .xlsx resolution table):
## Debian's libreoffice-writer-nogui and libreoffice-calc-nogui, those missing installed when we are root;
## skipped without them, except with REQUIRE_BROWSERS=1, where a failed install stops here.
LIBREOFFICE_PACKAGES = libreoffice-writer-nogui libreoffice-calc-nogui
libreoffice:
	@wanted=""; \
	if command -v dpkg-query >/dev/null; then \
	  for package in $(LIBREOFFICE_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" || wanted="$$wanted $$package"; \
	  done; \
	elif ! command -v soffice >/dev/null; then wanted=" $(LIBREOFFICE_PACKAGES)"; fi; \
	if [ -n "$$wanted" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$wanted >/dev/null) \
	      || { $(call missing,Could not install$$wanted,the LibreOffice tests); }; \
	  else $(call missing,LibreOffice is not fully installed (apt-get install$$wanted),the LibreOffice tests); fi; \
	fi

## make translations: extract interface strings, update the fr/es catalogs, compile the .mo files.
## A service error's message is its first argument, so the error classes are keywords too (with the anchoring
## and import errors that services pass on as Invalid).
TRANSLATIONS := deliberation/translations
SERVICE_ERRORS := ServiceError Invalid Unauthorized Forbidden NotFound Conflict TooLarge RateLimited \
  SelectorError DraftImportError
translations: $(VENV)/.runtime
	$(BIN)/pybabel extract -F $(TRANSLATIONS)/babel.cfg -k lazy_gettext -k _l -k N_ $(addprefix -k ,$(SERVICE_ERRORS)) \
	  --no-location -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete -w 120
	$(BIN)/pybabel compile -d $(TRANSLATIONS) --statistics

## make bench: build data at scale, measure, print a table, write bench/results/latest.json (docs/performance.md)
bench: $(VENV)/.bench bench-tools
	$(BIN)/python -m bench $(BENCH_ARGS)

$(VENV)/.bench: bench/requirements.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r bench/requirements.txt
	touch $@

## The load generator for section f: Debian's wrk, installed when missing and we are root.
bench-tools:
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null) \
	      || echo "Could not install wrk; section f uses the slower Python load generator."; \
	  else echo "wrk is not installed (apt-get install wrk); section f uses the slower Python load generator."; fi; \
	fi

clean:
	rm -rf $(VENV) instance .pytest_cache
