# kg — two commands set everything up: `make` (build and publish output/) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
KG     := $(BIN)/kg
STAMP  := $(VENV)/.installed

.PHONY: all build test bench docs clean help serve

all: build ## create the virtual environment, install kg, build output/

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP) ## build the graph into output/, load it into output/store, write the site into output/site/
	$(KG) build
	$(KG) load --quiet
	$(KG) site

test: $(STAMP) ## type-check kg, then run the whole test suite
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest -q

serve: $(STAMP) ## serve output/site/ and SPARQL on http://127.0.0.1:8000/
	$(KG) serve

bench: $(STAMP) ## time kg against its baselines: bench/results.md, ~1 h (QUICK=1: a few minutes, bench/results-quick.md)
	$(BIN)/python bench/run.py $(if $(QUICK),--quick)

clean: ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache bench/work

docs: $(STAMP) ## regenerate the README's generated parts: quick start (run for real), rules, CLI reference
	$(BIN)/python docs/transcript.py --write README.md
	$(BIN)/python -m kg.cli.docs
