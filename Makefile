# Two set-up commands: `make demo` and `make test`. Each creates .venv when missing and installs what it needs.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench install clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m hkctl.demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src

test: $(STAMP) lint
	$(BIN)/python -m pytest
	@# the core suite again over a real loopback socket; exit 5 ("no tests collected") is not a failure
	HKCTL_TEST_SANDBOX=socket $(BIN)/python -m pytest -m core; rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 5 ]

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .hkctl-sandbox
