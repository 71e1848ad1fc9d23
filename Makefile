# Infitah — the two commands a newcomer needs: `make run` and `make test`.
# Everything else is a building block of those two, or a tool for developers.

PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
# Debian packages the platform needs: gettext (translations), Pango/HarfBuzz and an
# Arabic font (PDF), poppler (PDF text), Chromium (browser tests), wrk (benchmark).
SYSTEM_PACKAGES := gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fontconfig \
	fonts-noto-core poppler-utils
BROWSER_PACKAGES := chromium
BENCH_PACKAGES := wrk

.PHONY: run serve install system-deps browser-deps bench-deps env migrate data messages \
	compilemessages static test test-postgres lint typecheck check ci bench demo clean

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Install the project and its development tools into the virtual environment.
install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# Debian packages (needs root or sudo); skipped when already present.
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing system packages:$$missing"; \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	  else echo "Please install:$$missing"; fi; \
	fi

browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(BROWSER_PACKAGES); }

bench-deps:
	@command -v wrk >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(BENCH_PACKAGES); }

# A .env with a random secret key, made once and never overwritten.
env: .env
.env:
	@$(PY) -c "import secrets; print('DJANGO_SECRET_KEY=' + secrets.token_urlsafe(50))" > .env
	@echo "Created .env with a new secret key."

compilemessages: install
	$(MANAGE) compilemessages --ignore '.venv/*' -v0

migrate: install env
	$(MANAGE) migrate --noinput

# Load the real reference data (territories, network, charter, known members). Idempotent.
data: migrate
	$(MANAGE) load_reference_data

static: install env compilemessages
	$(MANAGE) collectstatic --noinput -v0

# Install, migrate, load real data, compile translations and serve with gunicorn.
run: system-deps install env compilemessages migrate data static
	@echo "Infitah on http://$(HOST):$(PORT)/"
	$(BIN)/gunicorn infitah.wsgi --chdir src --bind $(HOST):$(PORT) --workers $(WORKERS) \
	  --access-logfile - --forwarded-allow-ips '127.0.0.1'

# Optional sample content, clearly labelled as such, for trying features.
demo: data
	$(MANAGE) load_demo_content

# The whole test suite (SQLite unless DATABASE_URL says otherwise).
test: system-deps install compilemessages
	$(BIN)/pytest

test-postgres: install compilemessages
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/infitah $(BIN)/pytest

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy

# Migrations up to date and deployment checks with production-like settings.
check: install
	$(MANAGE) makemigrations --check --dry-run
	DJANGO_DEBUG=false DJANGO_SECURE=true DJANGO_SECRET_KEY=$$($(PY) -c "import secrets; print(secrets.token_urlsafe(50))") \
	  DJANGO_ALLOWED_HOSTS=infitah.example.org $(MANAGE) check --deploy --fail-level WARNING

# Benchmark on its own database (never the user's); not part of `make test`.
# Options through BENCH_ARGS, e.g. make bench BENCH_ARGS="--postgres" (see bench/README.md).
bench: install compilemessages bench-deps
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var/static
