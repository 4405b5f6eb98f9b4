# OmniPOS: every command a newcomer or CI needs. Each target sets up the virtual environment itself.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=
# Only the source folders that exist are linted, so an empty checkout of a folder never fails CI.
LINT_PATHS := $(wildcard posapp sync tests bench scripts)

.PHONY: help setup check test lint typecheck pytest demo demo-terminal screenshots dist bench bench-tools clean constraints translations lupdate

help:
	@echo "make demo       - set up, start the demo server and open a POS window paired to it"
	@echo "make check      - the fast lane: ruff, mypy and the tests neither slow nor pg (stops at the first failure)"
	@echo "make test       - set up, then ruff, mypy and the whole pytest suite (what CI runs)"
	@echo "make bench      - run the benchmarks in bench/ and print their tables"
	@echo "make dist       - the desktop bundle (PyInstaller one-folder), checked with --self-check"
	@echo "make translations - compile the English catalogue (.qm)"
	@echo "make lupdate      - refresh the English catalogue (.ts) from the sources; then translate what is unfinished"
	@echo "make constraints  - rewrite constraints.txt from the venv after a deliberate upgrade"

# constraints.txt pins every package to the versions the suite last passed with (reproducible installs).
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)

typecheck: $(STAMP)
	$(BIN)/mypy

# Qt's wheels load a few system libraries: checked (and installed on Debian as root, else the one
# command to run is printed) before the window or the suite needs them. No system font is needed.
pytest: $(STAMP)
	$(BIN)/python -m scripts.system_packages test
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck pytest

# Before a commit: the same ruff and mypy, and every test neither `slow` (server processes, browsers, crash
# and load runs; tests/conftest.py) nor `pg` (the PostgreSQL variants), stopping at the first failure.
# CI runs `make test`, the whole suite.
check: lint typecheck
	$(BIN)/python -m scripts.system_packages test
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -m "not slow and not pg" -x -q -p no:cacheprovider $(PYTEST_ARGS)

demo: $(STAMP)
	$(BIN)/python -m scripts.system_packages demo
	$(BIN)/python -m scripts.demo

demo-terminal: $(STAMP)
	$(BIN)/python -m scripts.system_packages demo
	$(BIN)/python -m scripts.demo --join

# The English catalogue compiled for Qt (the app prefers the .qm when it is newer than the .ts; the
# .ts stays the one source, edited by hand or with Qt Linguist; the desktop build compiles its own).
translations: $(STAMP)
	$(BIN)/pyside6-lrelease posapp/resources/translations/posapp_en.ts -qm posapp/resources/translations/posapp_en.qm

# New strings come in unfinished (fill them in with pyside6-linguist or an editor); strings no code uses
# any more are dropped. No line numbers, so the file changes only when a string does.
lupdate: $(STAMP)
	$(BIN)/pyside6-lupdate -locations none -no-obsolete $$(find posapp -name '*.py' | sort) -ts posapp/resources/translations/posapp_en.ts

screenshots: $(STAMP)
	$(BIN)/python -m scripts.screenshots
	$(BIN)/python -m scripts.hq_screenshots

dist: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,dist]'
	$(BIN)/pyinstaller --noconfirm --clean build.spec
	# As on a machine with no zoneinfo and no display: the bundle must carry both time zones and fonts.
	env -u DISPLAY PYTHONTZPATH=/nonexistent ./dist/posapp/posapp --self-check
	du -sh dist/posapp

# wrk drives bench_requests.py (installed on Debian as root, else the command is printed); PouchDB 9 is
# bench_sync.py's reference, installed from bench/pouchdb's lock file when npm is there.
bench-tools:
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk; } \
		|| { echo "bench_requests.py needs wrk: sudo apt-get install -y wrk"; exit 1; }
	@if command -v npm >/dev/null; then npm ci --prefix bench/pouchdb --silent --no-audit --no-fund; \
		else echo "no npm: bench_sync.py will not measure PouchDB beside the push"; fi

bench: $(STAMP) bench-tools
	$(BIN)/python bench/bench_terminal.py --products 1000000
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/bench_footprint.py --products 1000000
	$(BIN)/python bench/bench_sync.py
	$(BIN)/python bench/bench_requests.py
	$(BIN)/python bench/load_test.py

# After a deliberate upgrade (pip install -U ... in the venv, suite green): write the new pins.
constraints: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,dist]'
	{ head -n 2 constraints.txt; $(BIN)/python -m pip freeze --exclude-editable | grep -iv '^omnipos'; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
