# The course's commands. On a fresh machine (Python 3.11, git, make, Node.js/npm):
#   make book   installs everything into .venv and builds the book into _build/html
#   make pdf    builds the book, then prints it into one PDF (_build/html/leukemia-immunotherapy.pdf)
#   make test   runs every test (toolkit, notebooks, strict build, built book in Chromium, JupyterLab)
#   make check  the fast lane for the edit loop (toolkit, banks, exercises, lint; no browser, no full build)
SHELL  := bash
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PYTEST_ARGS ?=
# Test processes: one per core (pytest-xdist; a test file stays on one worker so its fixtures are shared;
# files keep the order tests/conftest.py gives them, the slow ones first, so none starts last).
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: book test check setup strip exercises bootstrap export benchmark clean pdf

# The pinned environment is installed by uv (itself pinned in requirements.txt, installed into the venv by
# pip): about 25 s from an empty cache where pip takes 80 s, the same packages (pip freeze is identical).
# uv reads no pip configuration: point it at another index with UV_DEFAULT_INDEX, or install with pip
# and its configuration by `make setup INSTALLER=pip`. Where uv cannot install it, pip does (and says so).
INSTALLER ?= uv
$(VENV)/.installed: requirements.txt requirements-nodeps.txt pyproject.toml tooling/pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
ifeq ($(INSTALLER),uv)
	$(PY) -m pip install --quiet "$$(grep -m1 '^uv==' requirements.txt)"
	$(VENV)/bin/uv pip install --quiet --python $(PY) --compile-bytecode -r requirements.txt \
	  && $(VENV)/bin/uv pip install --quiet --python $(PY) --compile-bytecode --no-deps -r requirements-nodeps.txt \
	  || { echo "uv could not install the environment (above); installing it with pip instead"; \
	       $(PY) -m pip install --quiet -r requirements.txt \
	       && $(PY) -m pip install --quiet --no-deps -r requirements-nodeps.txt; }
else
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -r requirements-nodeps.txt
endif
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed

book: $(VENV)/.installed
	$(PY) -m immunokit_build.buildcache
	@mkdir -p _build
	set -o pipefail; $(PY) -m immunokit_build.jupyter_book_cli build . -W -n --keep-going 2>&1 | tee _build/book-build.log
	@echo "The book is in _build/html: open _build/html/index.html, or serve it with"
	@echo "  $(PY) -m http.server --directory _build/html 8000   and visit http://127.0.0.1:8000"

pdf: book
	$(PY) -m immunokit_build.pdfbook

# The strict build runs first (it executes every chapter once, through the per-notebook cache, and fails on
# any warning or cell error); the tests then read that build (BOOK_PREBUILT=1) instead of building again.
# npm's install runs beside the Python environment's and the build (two jobs): the build needs no Node.
test:
	$(MAKE) --no-print-directory -j2 setup book
	BOOK_PREBUILT=1 $(PY) -m pytest -n $(JOBS) --dist loadfile --no-loadscope-reorder --nbval-lax --nbval-current-env $(PYTEST_ARGS)

check: $(VENV)/.installed
	$(PY) -m pytest -n $(JOBS) --dist loadfile --no-loadscope-reorder -m "not build and not browser and not jupyterlab and not slow" $(PYTEST_ARGS) tests

# Instructor artifacts, never part of the student site (_build/html): every question bank as Moodle GIFT
# and IMS QTI, the whole course's answer key with the model answers and rubrics of the written, review
# and capstone items, and the pre/post concept inventory, into _build/instructor/. With SECRET (make export
# SECRET=a-long-phrase), also the secure pool of generated variants (VARIANTS per item, default 10).
INSTRUCTOR ?= _build/instructor
VARIANTS ?= 10
export: $(VENV)/.installed
	$(PY) -m immunokit_instructor.quiz export-all $(INSTRUCTOR)/export
	@if [ -n "$(SECRET)" ]; then \
	  $(PY) -m immunokit_instructor.quiz export --seed "$(SECRET)" --variants $(VARIANTS) --out $(INSTRUCTOR)/pool && \
	  $(PY) -m immunokit_instructor.quiz prepost --seed "$(SECRET)" --out $(INSTRUCTOR)/prepost; \
	else echo "No SECRET given: the secure pool and the pre/post test need one (make export SECRET=...)."; fi
	@echo "Instructor files are in $(INSTRUCTOR)/: keep them away from students and out of the published site."

strip: $(VENV)/.installed
	$(PY) -m immunokit_build.notebooks strip

exercises: $(VENV)/.installed
	$(PY) -m immunokit_build.generate_exercises

# First code cell of every chapter and exercise: installs the toolkit outside this repository, from the
# bundle's wheel or the published site's package index (simple/). With html.baseurl in _config.yml (or
# BOOK_BASE_URL) set, notebooks name the site, so those opened in Colab install from it.
bootstrap: $(VENV)/.installed
	$(PY) -m immunokit_build.notebooks bootstrap

benchmark: setup
	$(PY) benchmarks/run.py

clean:
	rm -rf _build
