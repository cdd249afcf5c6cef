VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run setup system test bench lint

# Set up and run the main job: a blank form and a prefilled sample form in out/.
run: setup
	$(BIN)/formgen demo --out-dir out

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[site,dev]"
	touch $@

system:
	bash scripts/system-packages.sh

# Run all tests (installs the Debian packages they need when run as root).
test: system setup
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python benchmarks/bench_forms.py

lint: setup
	$(BIN)/ruff check formgen tests benchmarks
	$(BIN)/mypy
