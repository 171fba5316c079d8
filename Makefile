# Two commands on a fresh machine: `make demo` (set up + run the demo) and `make test` (set up + run the tests).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup browser demo lint test test-all bench lock clean vendor

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

# Re-fetch the vendored map library (committed under views/web/static/vendor/) from the npm registry.
LEAFLET := leaflet@1.9.4
MARKERCLUSTER := leaflet.markercluster@1.5.3
VENDOR := src/lagebild/views/web/static/vendor
vendor:
	rm -rf build/vendor && mkdir -p build/vendor $(VENDOR)/leaflet $(VENDOR)/markercluster
	cd build/vendor && npm pack --silent $(LEAFLET) $(MARKERCLUSTER) >/dev/null && for f in *.tgz; do mkdir -p $${f%.tgz} && tar xzf $$f -C $${f%.tgz}; done
	cp build/vendor/leaflet-*/package/dist/leaflet.js build/vendor/leaflet-*/package/dist/leaflet.css build/vendor/leaflet-*/package/LICENSE $(VENDOR)/leaflet/
	cp build/vendor/leaflet.markercluster-*/package/dist/leaflet.markercluster.js build/vendor/leaflet.markercluster-*/package/dist/MarkerCluster*.css build/vendor/leaflet.markercluster-*/package/MIT-LICENCE.txt $(VENDOR)/markercluster/

# Re-pin every dependency from what the venv holds (after changing pyproject.toml).
lock:
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^lagebild' > requirements.lock

clean:
	rm -rf $(VENV) build *.egg-info
