# postarchive: `make html` builds the archive, `make test` runs the whole suite.
# Both create .venv and install the project when needed.

PYTHON      ?= python3
VENV        ?= .venv
BIN         := $(VENV)/bin
SPHINXBUILD := $(BIN)/sphinx-build
DOCS        := docs
BUILD       := $(DOCS)/_build
JOBS        ?= auto
SPHINXOPTS  ?=
STAMP       := $(VENV)/.installed
LINTED      := ext tests tools $(wildcard bench)

.PHONY: html latexpdf check test lint serve bench clean system-deps mermaid

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,serve]'
	@touch $(STAMP)

# Mermaid's JavaScript, fetched once from the npm registry (served by the site itself, never a CDN).
# The archive's own charts are inline SVG: only a hand-written page with a {mermaid} diagram needs it.
MERMAID     := ext/postarchive/static/mermaid/.version
SERVEOPTS   ?=
BENCHOPTS   ?=

$(MERMAID): tools/vendor_mermaid.py
	$(PYTHON) tools/vendor_mermaid.py
	@touch $@

mermaid: $(MERMAID)

html: $(STAMP)
	$(SPHINXBUILD) -b html -j $(JOBS) -d $(BUILD)/doctrees $(SPHINXOPTS) $(DOCS) $(BUILD)/html

# Strict: every warning (a broken post, a missing link target, a bad registry entry) fails.
check: $(STAMP)
	$(SPHINXBUILD) -b html -j $(JOBS) -d $(BUILD)/doctrees-check -W --keep-going -D postarchive_strict=1 $(SPHINXOPTS) $(DOCS) $(BUILD)/check

latexpdf: $(STAMP)
	@$(BIN)/python tools/system_deps.py latex
	$(SPHINXBUILD) -b latex -j $(JOBS) -d $(BUILD)/doctrees $(SPHINXOPTS) $(DOCS) $(BUILD)/latex
	$(BIN)/postarchive pdf $(BUILD)/latex
	@echo "PDF: $(BUILD)/latex/*.pdf (list: $(BUILD)/latex/volumes.json; make html links them)"

# Live preview on http://127.0.0.1:8000/ (the default html_baseurl). Rebuilds when a post or the
# registry changes; ignores the pages the extension generates into docs/ so it never loops.
serve: $(STAMP)
	$(BIN)/sphinx-autobuild $(DOCS) $(BUILD)/html -d $(BUILD)/doctrees -j $(JOBS) --watch posts \
		--re-ignore "$$($(BIN)/postarchive paths --ignore-regex)" $(SERVEOPTS)

test: $(STAMP) $(MERMAID)
	@$(BIN)/python tools/system_deps.py all
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python bench/run.py $(BENCHOPTS)

clean:
	rm -rf $(BUILD)
	@test -x $(BIN)/postarchive && cd $(DOCS) && $(CURDIR)/$(BIN)/postarchive paths | xargs rm -rf || true
