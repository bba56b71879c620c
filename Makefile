# `make demo` and `make test` work on a fresh clone: each creates .venv and installs the project.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB := demo.db

.PHONY: demo test lint typecheck clean bench-env bench

# setup.py builds the C kernel corpus/_minhash.c into corpus/: a changed source is rebuilt.
$(STAMP): pyproject.toml setup.py corpus/_minhash.c
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,ray]'
	touch $(STAMP)

demo: $(STAMP)
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/corpus --db $(DEMO_DB) add seeds/
	$(BIN)/corpus --db $(DEMO_DB) docs
	$(BIN)/corpus --db $(DEMO_DB) audit

# The test modules run on every core (pytest-xdist), a module on one worker: its module-scoped
# fixtures are made once. Modules are handed out in the order collected (conftest.py puts the
# long ones first; xdist would otherwise sort them by their number of tests). The slowest tests
# are listed at the end.
TEST_WORKERS ?= auto
test: $(STAMP)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=15

# ruff and mypy are pinned in the `test` extra; mypy's strict settings are in pyproject.toml.
LINT_PATHS := corpus plugins/corpus_text plugins/corpus_webtext plugins/corpus_pdftext plugins/corpus_html \
	plugins/corpus_pdf tests benchmarks

lint: $(STAMP)
	$(BIN)/ruff check corpus plugins tests benchmarks
	$(BIN)/mypy $(LINT_PATHS)

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm

# The other dedup tools that benchmarks/matching.py --others compares with, in their own
# environment (not project dependencies): pinned so the comparison can be repeated.
BENCH_VENV := benchmarks/.venv-others
BENCH_TOOLS := 'datatrove[io,processing]==0.10.1' spacy==3.8.18 jieba==0.42.1 'xxhash<4' \
	text-dedup==0.4.0 datasketch==2.0.0 rensa==0.5.0

$(BENCH_VENV)/.installed: Makefile
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet $(BENCH_TOOLS)
	touch $@

bench-env: $(BENCH_VENV)/.installed

# Every speed, memory and signature figure, beside its alternatives, written into
# benchmarks/RESULTS.md with the date and the machine (hours: the 100,000-file run is in it).
# rensa goes into the project's environment too: signatures.py times it beside ours in one process.
bench: $(STAMP) bench-env
	$(BIN)/python -m pip install --quiet rensa==0.5.0
	$(BIN)/python benchmarks/bench.py
