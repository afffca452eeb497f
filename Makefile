# pophealth: the README's two commands are `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
STAMP := $(VENV)/.stamp

.PHONY: install install-test browser demo test test-fast lint bench screenshots clean

# Installs say what they are doing: a step line before each step, then pip's and npm's own lines
# per package (a first install downloads a few hundred MB and takes minutes; nothing should look stuck).
STEP := @printf '\n==> %s\n'

$(PY):
	$(STEP) "Creating the virtual environment in $(VENV)"
	python3 -m venv $(VENV)
	$(PIP) install --progress-bar on --upgrade pip==25.3 setuptools==80.9.0 wheel==0.45.1

# The package, its pinned dependencies and the NHS.UK front-end assets (node_modules, ignored).
$(STAMP)-install: $(PY) pyproject.toml constraints.txt package.json
	$(STEP) "Installing pophealth and its pinned dependencies (constraints.txt) into $(VENV)"
	$(PIP) install --progress-bar on -c constraints.txt -e .
	$(STEP) "Installing the NHS.UK frontend styles from npm into node_modules"
	npm install --no-audit --no-fund --loglevel=error --progress=true
	touch $@
	$(STEP) "Installed: run '$(VENV)/bin/pophealth --help'"

install: $(STAMP)-install

$(STAMP)-test: $(STAMP)-install
	$(STEP) "Installing the test tools (pytest, Playwright, PySpark) into $(VENV)"
	$(PIP) install --progress-bar on --no-cache-dir -c constraints.txt -e '.[test,spark]'
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
	$(VENV)/bin/ruff check src tests benchmarks scripts

test: install-test browser lint
	$(VENV)/bin/pytest -n 2 --dist loadgroup

test-fast: install-test
	$(VENV)/bin/pytest -m "not spark and not browser and not slow"

bench: install-test
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b; done

# The README tour's screenshots, from the demo warehouse in a real browser (docs/images/).
screenshots: install-test browser
	@test -f data/pophealth.duckdb || $(VENV)/bin/pophealth demo --no-serve
	$(PY) scripts/screenshots.py --db data/pophealth.duckdb --out docs/images

clean:
	rm -rf $(VENV) node_modules data/*.duckdb
