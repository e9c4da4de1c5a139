# peerlearn: `make run` serves the bot with the bundled content, `make test` checks it.
# Both create .venv/ on first use; only Python 3.11+ and make are needed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip

.PHONY: run test install install-dev bench clean console-pot

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.run: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) install --quiet --constraint constraints.txt --editable .
	touch $@

$(VENV)/.dev: $(VENV)/.run
	$(PIP) install --quiet --constraint constraints.txt --editable '.[dev]'
	touch $@

install: $(VENV)/.run
install-dev: $(VENV)/.dev

run: install
	$(BIN)/peerlearn migrate
	$(BIN)/peerlearn content import
	$(BIN)/peerlearn serve

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -n auto

# The console's texts for translators (tests/web/console/test_i18n.py checks it is current).
console-pot: install-dev
	$(BIN)/pybabel -q extract --no-location --omit-header --sort-output \
		-F web/console/babel.cfg -o web/console/locale/console.pot .

bench: install-dev
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var/*.db var/*.db-* .pytest_cache
