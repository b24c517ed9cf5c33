# Tether: two commands for a newcomer.
#   make run   install everything, migrate the embedded SQLite database, load the demo register, serve
#   make test  install everything and run the whole suite (set DATABASE_URL to run it on PostgreSQL)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_SIZE ?= 10000
PYTEST_ARGS ?=

.PHONY: run test install assets engine lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# What Tether needs to run (make run), then what its tests, lint and benches need besides (about 30 s more).
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/pip install -q --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed: $(VENV)/.installed-run
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

tether/ui/assets/build/tether.css: node_modules/.installed $(wildcard tether/ui/assets/scss/*.scss)
	npm run --silent build

# The rules engine compiled to C (tether/obligations/native.py): used only when built from the current source and
# checked identical; without a C compiler the engine runs from its source (the same outcomes, slower). `make test`,
# `make bench` and deployments build it (about 20-30 s); `make run` does not wait for it (the demo barely uses it).
build/.engine: $(VENV)/.installed $(wildcard tether/obligations/*.py)
	@mkdir -p build
	@$(BIN)/python -m tether.obligations.native_build --quiet && touch $@ \
		|| echo "note: the rules engine was not compiled; it runs from its source (the same outcomes, slower)"

install: $(VENV)/.installed node_modules/.installed
engine: build/.engine
assets: tether/ui/assets/build/tether.css

run: $(VENV)/.installed-run assets
	@$(BIN)/tether migrate --quiet
	@$(BIN)/tether demo --if-empty --registrants $(DEMO_SIZE) --quiet
	@$(BIN)/tether sweep --brief
	@echo ""
	@$(BIN)/tether logins
	@echo ""
	@echo "Tether is serving on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@$(BIN)/tether serve --host $(HOST) --port $(PORT)

test: install assets engine
	$(BIN)/python -m pytest -n auto --dist worksteal $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy tether config
	$(BIN)/lint-imports

bench: install engine
	$(BIN)/python bench/bench_rules.py
	$(BIN)/python bench/bench_demo.py --registrants 70000

clean:
	rm -rf $(VENV) node_modules var tether/ui/assets/build build
