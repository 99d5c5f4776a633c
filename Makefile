# Two commands on a fresh machine (see README): `make run` and `make test`. Both install what they need.
VENV       := .venv
BIN        := $(VENV)/bin
PY_STAMP   := $(VENV)/.installed
NODE_DIR   := tests/ts
NODE_STAMP := $(NODE_DIR)/node_modules/.installed
# The Admin UI's static files (served at /admin/ui/), the browser test's playwright-core, the load test's clients.
ADMIN_DIR     := server_stub/admin
ADMIN_STAMP   := $(ADMIN_DIR)/node_modules/.installed
BROWSER_DIR   := tests/browser
BROWSER_STAMP := $(BROWSER_DIR)/node_modules/.installed
LOAD_DIR      := loadtest
LOAD_STAMP    := $(LOAD_DIR)/node_modules/.installed
PLOT_STAMP    := $(VENV)/.installed-plot
BENCH_DIR     := bench
BENCH_STAMP   := $(BENCH_DIR)/node_modules/.installed
# `make loadtest LOADTEST_ARGS="--clients 200 --duration 30"`; see `python loadtest/run.py --help`.
LOADTEST_ARGS ?=

.PHONY: run serve test lint typecheck check generate golden clean loadtest wirebytes chromium bench bench-quick

# The repo's dev install: both distributions editable (the compiler `eventcat`, the runtime `eventcat-runtime`), the
# generated package editable once generate has written its pyproject.toml, and a .pth for what no distribution
# ships: the repo root (REZ's app, server_stub/) and, before that pyproject exists, generated/python.
GEN_PYPROJECT := generated/python/pyproject.toml
DEV_PTH       := eventcat-dev.pth

$(PY_STAMP): pyproject.toml eventcat_runtime/pyproject.toml $(wildcard $(GEN_PYPROJECT))
	@echo "==> creating $(VENV) and installing eventcat, eventcat-runtime and the generated package"
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]' -e ./eventcat_runtime \
	  $(if $(wildcard $(GEN_PYPROJECT)),-e ./generated/python)
	$(BIN)/python -c 'import sysconfig, pathlib, sys; pathlib.Path(sysconfig.get_path("purelib"), sys.argv[1]).write_text("".join(p + chr(10) for p in sys.argv[2:]))' \
	  $(DEV_PTH) $(CURDIR) $(if $(wildcard $(GEN_PYPROJECT)),,$(CURDIR)/generated/python)
	@touch $@

$(NODE_STAMP): $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json
	@echo "==> installing the pinned Node packages for the Node-side checks"
	cd $(NODE_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(ADMIN_STAMP): $(ADMIN_DIR)/package.json $(ADMIN_DIR)/package-lock.json
	@echo "==> installing the Socket.IO Admin UI's files (pinned npm packages, served locally at /admin/ui/)"
	cd $(ADMIN_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(BROWSER_STAMP): $(BROWSER_DIR)/package.json $(BROWSER_DIR)/package-lock.json
	@echo "==> installing playwright-core for the browser test (it drives the system's Chromium)"
	cd $(BROWSER_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(LOAD_STAMP): $(LOAD_DIR)/package.json $(LOAD_DIR)/package-lock.json
	@echo "==> installing the load test's pinned socket.io-client"
	cd $(LOAD_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(PLOT_STAMP): $(PY_STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[bench]'
	@touch $@

## The main job: compile catalog/events.yaml into generated/, then run the REZ server's demo (Ctrl-C stops it).
run: $(PY_STAMP) $(ADMIN_STAMP)
	$(BIN)/eventcat generate
	$(BIN)/eventcat serve --demo --log-format text

generate: $(PY_STAMP)
	$(BIN)/eventcat generate

## The REZ server without the demo: needs JWT_SECRET (or JWT_PUBLIC_KEY) and SERVICE_TOKEN in the environment.
serve: $(PY_STAMP) $(ADMIN_STAMP)
	$(BIN)/eventcat serve

## Every test: lint, types, drift, pytest (which also drives the Node checks).
test: $(PY_STAMP) $(NODE_STAMP) $(ADMIN_STAMP) $(BROWSER_STAMP) $(LOAD_STAMP) lint typecheck check
	$(BIN)/pytest

lint: $(PY_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(PY_STAMP)
	$(BIN)/mypy

check: $(PY_STAMP)
	$(BIN)/eventcat check
	$(BIN)/eventcat scaffold --check

## 1,000 authenticated clients against a server of its own for 2 minutes: connections, deliveries, losses, latency,
## server CPU and RSS (loadtest/results/). Bounded; LOADTEST_ARGS changes the numbers.
loadtest: $(PY_STAMP) $(LOAD_STAMP) $(PLOT_STAMP)
	$(BIN)/python $(LOAD_DIR)/run.py $(LOADTEST_ARGS)

## Bytes on the wire of the largest payloads (leaderboard_update, cart_sync) with and without permessage-deflate.
wirebytes: $(PY_STAMP)
	$(BIN)/python $(LOAD_DIR)/wire_bytes.py

## Debian's Chromium for the Admin UI browser test, when it is missing (CI runs this; needs root and apt-get).
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## Rewrite the golden expectations under tests/cases/ from current behaviour (review the diff after).
golden: $(PY_STAMP)
	UPDATE_GOLDEN=1 $(BIN)/pytest -q tests/test_cases.py

$(BENCH_STAMP): $(BENCH_DIR)/package.json $(BENCH_DIR)/package-lock.json
	@echo "==> installing the benchmarks' pinned socket.io, socket.io-client and ws"
	cd $(BENCH_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## Benchmarks, never part of `make test` (~16 min on 2 cores): bench/results/latest.json, scaling.png, bench/README.md.
bench: $(PLOT_STAMP) $(BENCH_STAMP)
	$(BIN)/python $(BENCH_DIR)/run.py

## Small sizes, under 2 minutes on a quiet machine: bench/results/quick.json; bench/README.md is left alone.
bench-quick: $(PLOT_STAMP) $(BENCH_STAMP)
	$(BIN)/python $(BENCH_DIR)/run.py --quick

clean:
	rm -rf $(VENV) $(BENCH_DIR)/node_modules $(NODE_DIR)/node_modules $(ADMIN_DIR)/node_modules $(BROWSER_DIR)/node_modules \
	  $(LOAD_DIR)/node_modules .pytest_cache .mypy_cache .ruff_cache
