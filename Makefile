# Two set-up commands: `make demo` and `make test`. Each creates .venv when missing and installs what it needs:
# `make demo` the client and the sandbox and report extras (it ends by writing demo-report.html); `make test`
# (and install, lint, bench) also the MCP extra and the test tools. One stamp per set, so a demo venv is topped up, not rebuilt, by `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_STAMP := $(VENV)/.installed-demo
TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo test lint bench install clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(DEMO_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[sandbox,report]'
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(DEMO_STAMP)

install: $(TEST_STAMP)

demo: $(DEMO_STAMP)
	$(BIN)/python -m hkctl.demo

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src

test: $(TEST_STAMP) lint
	$(BIN)/python -m pytest
	@# the core suite again over a real loopback socket; exit 5 ("no tests collected") is not a failure
	HKCTL_TEST_SANDBOX=socket $(BIN)/python -m pytest -m core; rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 5 ]

bench: $(TEST_STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .hkctl-sandbox
