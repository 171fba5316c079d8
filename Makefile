# Two commands on a fresh machine: `make demo` (set up + run the demo) and `make test` (set up + run the tests).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup browser demo lint test test-all bench lock clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

# Debian's chromium for the browser tests (they skip without it): installed only when missing and apt-get can, as root.
browser:
	@test -x /usr/bin/chromium || ! command -v apt-get >/dev/null || [ "$$(id -u)" != 0 ] || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	  echo "chromium not installed: browser tests will be skipped"

demo: setup
	$(BIN)/lagebild demo

# Lint and type-check (settings in pyproject.toml): ruff over the whole repository, mypy over src/lagebild.
lint: setup
	$(BIN)/ruff check
	$(BIN)/mypy

test: setup browser lint
	$(BIN)/python -m pytest -q

test-all: setup browser lint
	$(BIN)/python -m pytest -q --runslow

bench: setup
	$(BIN)/python benchmarks/bench_ingest.py

# Re-pin every dependency from what the venv holds (after changing pyproject.toml).
lock:
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^lagebild' > requirements.lock

clean:
	rm -rf $(VENV) build *.egg-info
