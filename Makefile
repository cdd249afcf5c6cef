VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
export NO_MKDOCS_2_WARNING := 1

.PHONY: run site demo setup setup-test system test bench lint template

# Set up and run the main job: the forms (blank + prefilled sample in out/), the help center
# with the current form built in, served on localhost.
run: demo site
	$(BIN)/formgen site serve --dir site --port $(PORT)

# The form and the company values first (mkdocs.yml inherits generated/site-config.yml), then
# the build, then the search index with the Dutch search terms (needs hunspell-nl for compounds).
site: setup $(NPM_STAMP)
	$(BIN)/formgen site prepare
	$(BIN)/mkdocs build --strict
	$(BIN)/formgen site index site

# A blank form and a prefilled sample in out/ (creates a local development key once).
demo: setup
	$(BIN)/formgen demo --out-dir out

# The prebuilt form template and field font the package ships (formgen/data/prebuilt/): write
# them again after changing the form code, the definition or the fonts (a test fails until you
# do; see formgen/form/shipped.py).
template: setup
	$(BIN)/python -m formgen.form.shipped

# Two installs, each with a stamp: `make run` needs the package and the site tools only; the
# tests add the development tools (playwright, augraphy, scipy, mypy: most of the venv's size).
# scripts/opencv_headless.py keeps one OpenCV, the headless build (see README, "Install").
setup: $(VENV)/.installed-run

setup-test: $(VENV)/.installed-test

$(VENV)/.installed-run: pyproject.toml scripts/opencv_headless.py
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/python scripts/opencv_headless.py $(VENV)/wheels site
	$(BIN)/pip install -q --find-links $(VENV)/wheels -e ".[site]"
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed-run
	$(BIN)/python scripts/opencv_headless.py $(VENV)/wheels site dev
	$(BIN)/pip install -q --find-links $(VENV)/wheels -e ".[site,dev]"
	touch $@

system:
	bash scripts/system-packages.sh

# The browser parts, pinned in package.json and package-lock.json, installed by npm ci: the
# help center's scan check (pdfjs-dist 5.6: 5.7+ needs Node >= 22.13; zxing-wasm; js-aruco2;
# onnxruntime-web for the validator's text recogniser),
# which `formgen site prepare` copies into docs/controle/, and axe-core for the tests.
# Optional packages (pdf.js's canvas for Node, 33 MB) are left out: pdf.js runs in the browser.
NPM_STAMP := node_modules/.package-lock.json

$(NPM_STAMP): package.json package-lock.json
	npm ci --omit=optional --no-audit --no-fund
	touch $@

node_modules/axe-core/axe.min.js node_modules/pdfjs-dist/build/pdf.mjs: $(NPM_STAMP)

# Run all tests (installs the Debian packages they need when run as root), after the linters.
test: system setup-test $(NPM_STAMP)
	$(BIN)/ruff check formgen tests benchmarks site_config
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -n 2 --dist loadfile --durations=25

bench: setup-test $(NPM_STAMP)
	$(BIN)/python benchmarks/bench_forms.py
	$(BIN)/python benchmarks/bench_check.py
	$(BIN)/python benchmarks/bench_scan_check.py

lint: setup-test
	$(BIN)/ruff check formgen tests benchmarks site_config
	$(BIN)/mypy
