# Two commands on a fresh machine: `make run` and `make test` (see README).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install index run test lint bench

install: $(STAMP)

# torch goes first and pinned: a torch pulled in unpinned by sentence-transformers
# would download a multi-GB CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

index: install
	$(PY) -m assistant index

run: index
	$(PY) -m assistant shell

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

test: lint
	$(PY) -m pytest -q tests $(wildcard eval/test_*.py)

bench: index
	$(PY) -m assistant bench index
