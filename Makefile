# TechPulse — every target installs what it needs into .venv first.
# PYTHON: the interpreter that builds the virtual environment VENV; each Python its own,
# e.g. `make VENV=.venv-3.13 PYTHON=python3.13 test` (.venv-*/ is git-ignored).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: browser-deps serving-deps editor-bundle serve migrate run setup test test-services test-browser bench lint format clean help

help:
	@echo "make run    set up and serve the site with demo content on http://$(HOST):$(PORT)"
	@echo "make test   set up and run the whole test suite"
	@echo "make bench  run the load benchmarks"
	@echo "make serve  set up and serve with the production server (granian) on http://$(HOST):$(PORT)"
	@echo "make lint   ruff check and format check"

# Debian keeps venv's ensurepip in python3-venv: install it when we can (root with apt-get).
$(BIN)/python:
	@$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's python3-venv for $(PYTHON)…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; \
	  else \
	    echo "$(PYTHON) cannot create a virtual environment: install python3-venv (Debian)"; exit 1; \
	  fi; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

# Browser tests drive Debian's Chromium; install it when we can (root with apt-get).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium not found and cannot be installed here: browser tests will be skipped"; \
	  fi; }

migrate: $(VENV)/.installed
	$(FLASK) db upgrade

setup: migrate
	$(FLASK) seed-demo --if-empty

run: setup
	@$(FLASK) users hint --host $(HOST) --port $(PORT)
	$(FLASK) run --host $(HOST) --port $(PORT)

# pytest-xdist: one worker per core and one more, since browser and server tests spend much
# of their time waiting for other processes (TEST_WORKERS=0: one plain process); each test
# module runs on one worker, so its module fixtures are built once. Each worker has its own SQLite
# files, PostgreSQL database, Redis database and block of ports (tests/helpers/). The suite
# starts many Python processes (workers, servers, commands): let them keep compiled bytecode
# (__pycache__, git-ignored) even where the environment says not to write it.
TEST_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) + 1 )))
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope

test: $(VENV)/.installed-test browser-deps serving-deps
	$(PYTEST)

# The suite again against the real PostgreSQL and Redis (CI sets these up). Browser and
# slow process-level tests (server kills, 20,000-item imports) already ran in `make test`.
test-services: $(VENV)/.installed-test
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} \
	TEST_REDIS_URL=$${TEST_REDIS_URL:-redis://127.0.0.1:6379/15} \
	$(PYTEST) -m "not browser and (not slow or chaos)"

# The staff editor's visual mode: one minified bundle committed at static/js/vendor/ (with
# its licences), rebuilt from frontend/editor/ with the exact versions in its package-lock.json.
# Only this target needs Node and npm; run, test and serve use the committed bundle.
editor-bundle:
	cd frontend/editor && npm ci --no-audit --no-fund && node build.mjs
	@gzip -9c static/js/vendor/visual-editor.min.js | wc -c | xargs -I{} echo "visual-editor.min.js: {} bytes gzipped (budget 153600)"

# BENCH_SIZES=100 BENCH_DURATION=3s make bench for a quick try; see bench/config.py.
bench: $(VENV)/.installed serving-deps
	$(BIN)/python -m bench

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .coverage htmlcov

# The production server: granian, one worker per core (WORKERS=…), four Python threads each
# (more only cost memory; see docs/deployment.md); a connection idle for 10 s between
# requests is closed. deploy/ runs the same command under systemd behind nginx.
WORKERS ?= 2
serve: migrate
	$(BIN)/granian --interface wsgi --host $(HOST) --port $(PORT) --workers $(WORKERS) \
	  --blocking-threads 4 --http1-header-read-timeout 10000 --respawn-failed-workers \
	  --no-access-log app:app

# nginx (the deploy/ tests, the bench's static limit) and wrk (make bench) are Debian packages:
# install them when we can (root with apt-get); the tests that need them skip otherwise.
serving-deps:
	@missing=""; for tool in nginx wrk; do \
	  command -v $$tool >/dev/null 2>&1 || [ -x /usr/sbin/$$tool ] || missing="$$missing $$tool"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's$$missing…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "$$missing not found and cannot be installed here: their tests will be skipped"; \
	  fi; fi
