# make run   - set up, load demo content and serve the site on http://127.0.0.1:8000 (SQLite, DEBUG on)
# make test  - set up and run the whole suite (unit, admin, importer and browser journeys)
# See README.md for the other targets.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-e2e test-postgres serve serve-smoke scale-smoke bench bench-quick mutate mutate-resume collectstatic setup setup-dev browser \
	vnu migrations-check ci clean

# Debian's packages the targets need outside .venv, installed once by
# bin/ensure-debian-packages (apt-get as root; otherwise it prints the command).
BROWSER_PACKAGES := chromium=/usr/bin/chromium fonts-noto-cjk
ENSURE := bin/ensure-debian-packages

# The Nu Html Checker (vnu.jar) that the markup test runs over the reader pages
# (articles/tests/test_valid_html.py), from the validator project's npm package
# (npm checks its integrity); it needs Java.
VNU_VERSION := 26.9.27
VNU_DIR := $(VENV)/vnu

$(VENV)/.runtime: requirements.txt
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || $(ENSURE) python3-venv
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.runtime

$(VNU_DIR)/.version-$(VNU_VERSION):
	@$(ENSURE) default-jre-headless=/usr/bin/java npm=/usr/bin/npm
	rm -rf $(VNU_DIR) && mkdir -p $(VNU_DIR)
	cd $(VNU_DIR) && npm pack --silent vnu-jar@$(VNU_VERSION) >/dev/null && \
		tar xzf vnu-jar-$(VNU_VERSION).tgz package/build/dist/vnu.jar && \
		mv package/build/dist/vnu.jar vnu.jar && rm -rf package vnu-jar-$(VNU_VERSION).tgz
	touch $@

vnu: $(VNU_DIR)/.version-$(VNU_VERSION)

setup-dev: $(VENV)/.dev vnu

# manage.py uses the development settings (DEBUG on, local SQLite and media).
RUN_ENV = SITE_URL=http://$(HOST):$(PORT)

run: setup
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py seed_demo_content --site-url http://$(HOST):$(PORT)
	$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

browser:
	@$(ENSURE) $(BROWSER_PACKAGES)

test: setup-dev browser migrations-check
	$(PY) -m pytest $(PYTEST_ARGS)

test-e2e: setup-dev browser
	$(PY) -m pytest -m e2e $(PYTEST_ARGS)

migrations-check: setup-dev
	DJANGO_SETTINGS_MODULE=newsroom.settings.test $(PY) manage.py makemigrations --check --dry-run

test-postgres: setup-dev
	bin/with-postgres $(MAKE) test

# make serve - a local production-style run: the production settings (newsroom.settings.base),
# DEBUG off, static files collected and served by WhiteNoise, gunicorn with 2 workers on
# http://$(HOST):$(PORT). Plain HTTP (HTTPS=0). Everything the production settings require is
# set here explicitly unless the environment sets it: a SECRET_KEY generated for the run, the
# local db.sqlite3 and media/ folder, SITE_URL from HOST and PORT, and a page cache in files
# (.cache/pages) that both workers share, so an edit shows through either at once.
SERVE_ENV = DJANGO_SETTINGS_MODULE=newsroom.settings.base DEBUG=0 HTTPS=0 \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	SECRET_KEY="$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
	DATABASE_URL="$${DATABASE_URL:-sqlite:///$(CURDIR)/db.sqlite3}" \
	MEDIA_ROOT="$${MEDIA_ROOT:-$(CURDIR)/media}" \
	CACHE_URL="$${CACHE_URL:-filecache://$(CURDIR)/.cache/pages}" \
	SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}"

collectstatic: setup
	@export $(SERVE_ENV); $(PY) manage.py collectstatic --noinput

serve: setup collectstatic
	@export $(SERVE_ENV); \
	$(PY) manage.py migrate --noinput && \
	exec $(VENV)/bin/gunicorn newsroom.wsgi --workers 2 --bind $(HOST):$(PORT) --access-logfile -

# make mutate [FILES="articles/slugs.py articles/models.py"] - mutation testing
# (mutmut) of the project's code, or of the files a change touched; prints each
# module's score and the surviving mutants. Slow, so not part of make test or CI.
mutate: setup-dev
	$(PY) bin/mutate $(FILES)

# make mutate-resume [FILES=...] - go on with the last run (on a fresh clone: with the kills saved in .mutate/):
# every mutant not yet killed, with the current tests
mutate-resume: setup-dev
	$(PY) bin/mutate --resume $(FILES)

# The production-style run, started in the background on a scratch database and
# checked from outside (health check, security headers, cached static files).
serve-smoke: setup
	@$(ENSURE) curl=/usr/bin/curl
	bin/serve-smoke

# The scale-out shape on this machine (README, "Deploying"): two gunicorn app servers
# behind nginx, sharing PostgreSQL and Redis, started, checked from outside and stopped.
SCALE_PACKAGES := nginx=/usr/sbin/nginx redis-server=/usr/bin/redis-server curl=/usr/bin/curl
scale-smoke: setup
	@$(ENSURE) $(SCALE_PACKAGES)
	PG_DB_NAME=$${PG_DB_NAME:-newsroom_scale_smoke} bin/with-postgres bin/scale-smoke

# bench/run: reader pages cached and uncached against a static file, with wrk (README, "Benchmark").
bench: setup
	@$(ENSURE) wrk=/usr/bin/wrk
	bench/run

bench-quick: setup
	@$(ENSURE) wrk=/usr/bin/wrk
	bench/run --quick

# What CI runs (.ci/run): the suite on SQLite, again on PostgreSQL, the serve and scale-out smoke tests.
ci: test test-postgres serve-smoke scale-smoke

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache
