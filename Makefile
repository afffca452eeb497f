# pophealth: the README's two commands are `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
STAMP := $(VENV)/.stamp

.PHONY: install install-test browser demo test test-fast lint bench clean

$(PY):
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip==25.3 setuptools==80.9.0 wheel==0.45.1

# The package, its pinned dependencies and the NHS.UK front-end assets (node_modules, ignored).
$(STAMP)-install: $(PY) pyproject.toml constraints.txt package.json
	$(PIP) install -q -c constraints.txt -e .
	npm install --no-audit --no-fund --loglevel=error
	touch $@

install: $(STAMP)-install

$(STAMP)-test: $(STAMP)-install
	$(PIP) install -q --no-cache-dir -c constraints.txt -e '.[test,spark]'
	touch $@

install-test: $(STAMP)-test

# Debian chromium for the end-to-end tests (Playwright drives it; it cannot download browsers here).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian chromium for browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

demo: install
	$(VENV)/bin/pophealth demo

# Static checks (pyflakes and pycodestyle errors, settings in pyproject.toml) before the tests.
lint: install-test
	$(VENV)/bin/ruff check src tests benchmarks

test: install-test browser lint
	$(VENV)/bin/pytest -n 2 --dist loadgroup

test-fast: install-test
	$(VENV)/bin/pytest -m "not spark and not browser and not slow"

bench: install-test
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b; done

clean:
	rm -rf $(VENV) node_modules data/*.duckdb
