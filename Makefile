# homeward: two commands on a fresh machine.
#   make demo   install everything, run the main job on generated data, and serve the
#               web application with a fictional authority's demo data
#   make test   install everything and run every check and test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
OUT    ?= demo-output

.PHONY: install demo test lint typecheck architecture audit unit unit-postgres check-pango check-chromium clean serve mutation

$(BIN)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "homeward needs Python 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# GOV.UK Frontend from npm, made ready for Django to serve (var/govuk; see homeward/web/assets.py).
var/govuk/.built: node_modules/.installed $(BIN)/.installed homeward/web/assets.py
	$(PY) -m homeward.web.assets
	@touch $@

check-pango: $(BIN)/.installed
	@$(PY) -m homeward.setup_check

# Browser tests drive Debian's Chromium (Playwright cannot download its own browser here).
check-chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Chromium for the browser tests (apt-get install chromium)"; \
	    apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; \
	  else \
	    echo "The browser tests need Chromium at /usr/bin/chromium:" >&2; \
	    echo "  Debian/Ubuntu: sudo apt-get install chromium" >&2; exit 1; \
	  fi; \
	fi

# DfE's SSDA903 validator in its own virtualenv: it pins pandas<2 and numpy<1.25
# (scripts/validate_903.py; docs/returns-ssda903.md).
.venv-903/.installed: requirements-903.txt
	$(PYTHON) -m venv .venv-903
	.venv-903/bin/pip install --quiet -r requirements-903.txt
	@touch $@

install: $(BIN)/.installed node_modules/.installed var/govuk/.built check-pango .venv-903/.installed

# The web application's demo: its own SQLite file, seeded afresh by `make demo` (new
# passwords every time) and served on 127.0.0.1:8000 (WhiteNoise serves the static files),
# with the background worker beside it (scripts/serve-demo.sh: Ctrl-C stops both).
# `make serve` serves it again without reseeding. See docs/operations.md.
DEMO_DB  ?= var/demo.sqlite3
DEMO_ENV := HOMEWARD_ENV=development HOMEWARD_DATABASE_URL= HOMEWARD_SQLITE_PATH=$(DEMO_DB)
DEMO_RUN := $(DEMO_ENV) $(PY) manage.py

demo: install
	$(BIN)/homeward demo --out $(OUT)
	$(DEMO_RUN) migrate --noinput --verbosity 0
	$(DEMO_RUN) seed_demo --flush
	@echo "Serving the demo on http://127.0.0.1:8000/ (Ctrl-C to stop; make serve to restart)"
	$(DEMO_ENV) PY=$(PY) scripts/serve-demo.sh 127.0.0.1:8000

serve: install
	$(DEMO_RUN) migrate --noinput --verbosity 0
	@echo "Serving the demo on http://127.0.0.1:8000/ (Ctrl-C to stop)"
	$(DEMO_ENV) PY=$(PY) scripts/serve-demo.sh 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

architecture: install
	$(BIN)/lint-imports

unit: install check-chromium
	$(BIN)/pytest -n 2

# The same suite again on PostgreSQL (a throwaway server; see scripts/with-postgres.sh).
unit-postgres: install check-chromium
	scripts/with-postgres.sh $(BIN)/pytest -n 2 -p no:cacheprovider

# Known vulnerabilities in the pinned dependencies: PyPI's live advisories, and npm audit
# where the registry answers it (scripts/audit-deps.py; docs/operations.md, "Dependency audit").
audit: $(BIN)/.installed
	$(PY) scripts/audit-deps.py

test: lint typecheck architecture audit unit unit-postgres

# Mutation testing of the pure core and the permissions (docs/mutation-testing.md): not part
# of `make test` (it takes most of an hour). mutmut needs its own virtualenv in which
# homeward is not installed: an editable install would be imported instead of mutmut's
# mutated copy in mutants/.
.venv-mutation/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv .venv-mutation
	.venv-mutation/bin/pip install --quiet --upgrade pip
	.venv-mutation/bin/pip install --quiet -c constraints.txt -e '.[dev,mutation]'
	.venv-mutation/bin/pip uninstall --quiet -y homeward
	@touch $@

mutation: install .venv-mutation/.installed
	mkdir -p mutants
	ln -sfn ../.venv-903 mutants/.venv-903
	ln -sfn ../var mutants/var
	ln -sfn ../node_modules mutants/node_modules
	.venv-mutation/bin/mutmut run --max-children 2
	.venv-mutation/bin/python scripts/mutation_report.py

clean:
	rm -rf $(VENV) .venv-903 .venv-mutation mutants node_modules var $(OUT) .pytest_cache .mypy_cache .ruff_cache .hypothesis
