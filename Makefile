# homeward: two commands on a fresh machine.
#   make demo   install everything and run the main job on generated data
#   make test   install everything and run every check and test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
OUT    ?= demo-output

.PHONY: install demo test lint typecheck architecture unit check-pango clean

$(BIN)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "homeward needs Python 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

check-pango: $(BIN)/.installed
	@$(PY) -m homeward.setup_check

install: $(BIN)/.installed node_modules/.installed check-pango

demo: install
	$(BIN)/homeward demo --out $(OUT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

architecture: install
	$(BIN)/lint-imports

unit: install
	$(BIN)/pytest -n 2

test: lint typecheck architecture unit

clean:
	rm -rf $(VENV) node_modules $(OUT) .pytest_cache .mypy_cache .ruff_cache .hypothesis
