# Two entry points for a new machine: `make run` (the agent console) and `make test`.
# Each builds the virtual environment it needs on first use.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run demo test lint bench

# The real FreeSWITCH the telephony tests start (a test bundle kept beside the clone on
# our machines and in CI); without it those tests are skipped and pytest says why.
DIALSCRIPT_FREESWITCH ?= $(firstword $(wildcard $(abspath ../shared/freeswitch/fs)))
export DIALSCRIPT_FREESWITCH

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/dialscript check --strict flows
	$(VENV)/bin/dialscript serve --flows flows --db console.sqlite

demo: $(STAMP)
	$(VENV)/bin/dialscript demo

lint: $(STAMP)
	$(VENV)/bin/ruff check dialscript tests bench
	$(VENV)/bin/ruff format --check dialscript tests bench
	$(VENV)/bin/mypy

test: lint
	scripts/system-deps
	$(VENV)/bin/dialscript check --strict flows examples
	$(VENV)/bin/dialscript fmt --check flows examples
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) bench/cli.py
	$(PY) bench/compile.py
	$(PY) bench/interpreter.py
	$(PY) bench/esl_wire.py
	$(PY) bench/esl.py
