# Every target creates the virtual environment from pyproject.toml when needed,
# so a fresh clone needs nothing installed by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
APP_STAMP := $(VENV)/.installed-app
ARGS ?=
EXAMPLES ?= 5000
# pytest-xdist workers for make test and make test-fast (TEST_WORKERS=0: one process);
# "logical" is one per CPU the system shows ("auto" would count physical cores, which
# can be one on a two-vCPU machine). Each test file runs whole in one worker (--dist
# loadfile), so a module's fixtures (the workshop kit's build, the app in a browser,
# an executed notebook) are made once.
TEST_WORKERS ?= logical
PYTEST := MPLBACKEND=Agg $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

.PHONY: help venv run app test test-fast fuzz lint format bench notebooks workshop clean

help:
	@echo "make run        compare sales_only and full_system (table, charts, where the difference comes from, report under results/)"
	@echo "make app        the workshop's browser app on http://127.0.0.1:8050 (ARGS=\"--lang zh\")"
	@echo "make test       the whole test suite, statistical checks included"
	@echo "make test-fast  the suite without the slow statistical checks"
	@echo "make fuzz       5,000 random scenarios over the whole schema (EXAMPLES=n for more or fewer)"
	@echo "make lint       ruff and mypy"
	@echo "make format     ruff format and import sorting"
	@echo "make bench      the performance benchmark (results/bench/)"
	@echo "make notebooks  execute the notebooks into results/notebooks/ (outputs never committed)"
	@echo "make workshop   the facilitator kit in English and Chinese under results/workshop/"

# `make run` installs only what the simulator needs (quick on a fresh machine);
# the test, lint and notebook targets add the development tools on top.
$(RUN_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUN_STAMP)

$(DEV_STAMP): $(RUN_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(DEV_STAMP)

# the app's extra (Shiny) alone; the dev extra includes it
$(APP_STAMP): $(RUN_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[app]'
	touch $(APP_STAMP)

venv: $(DEV_STAMP)

run: $(RUN_STAMP)
	$(BIN)/flocksim compare scenarios/sales_only.toml scenarios/full_system.toml --precision 0.05 --report --explain $(ARGS)

app: $(APP_STAMP)
	$(BIN)/flocksim app $(ARGS)

test: $(DEV_STAMP)
	$(PYTEST) $(ARGS)

test-fast: $(DEV_STAMP)
	$(PYTEST) -m "not slow" $(ARGS)

# The long run of tests/test_fuzz.py: EXAMPLES random valid scenarios, each one short
# replication that must finish in time and keep the books; a failure is shrunk and
# printed with its settings (ARGS go to pytest, e.g. ARGS=--hypothesis-seed=1).
fuzz: $(DEV_STAMP)
	MPLBACKEND=Agg FLOCKSIM_FUZZ_EXAMPLES=$(EXAMPLES) $(BIN)/python -m pytest tests/test_fuzz.py \
		-k test_random_scenarios_keep_the_books --hypothesis-show-statistics -p no:cacheprovider $(ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check sim tests benchmarks tools notebooks/execute.py
	$(BIN)/ruff format --check sim tests benchmarks tools notebooks/execute.py
	$(BIN)/mypy

format: $(DEV_STAMP)
	$(BIN)/ruff check --fix sim tests benchmarks tools notebooks/execute.py
	$(BIN)/ruff format sim tests benchmarks tools notebooks/execute.py

bench: $(RUN_STAMP)
	$(BIN)/python benchmarks/bench.py $(ARGS)

notebooks: $(DEV_STAMP)
	MPLBACKEND=Agg $(BIN)/python notebooks/execute.py notebooks --out results/notebooks

workshop: $(DEV_STAMP)
	MPLBACKEND=Agg $(BIN)/python tools/build_workshop.py --out results/workshop $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
