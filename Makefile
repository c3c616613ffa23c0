# Min Ajliki Assistant. `make run` and `make test` work from a fresh clone.
SHELL := /bin/bash
PORT ?= 5000
PYTHON311 ?= python3.11
VENV := .venv
RASA_VENV := .venv-rasa
BIN := $(VENV)/bin
LOCALES := fr ar ary ary_Latn
MO_FILES := $(foreach l,$(LOCALES),locales/$(l)/LC_MESSAGES/messages.mo)

export MINAJLIKI_WEB_URL ?= http://127.0.0.1:$(PORT)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup run test lint format train locales extract-messages update-messages bench-webhook \
        bench-broadcast bench-load bench-faults \
        eval-nlu clean help

help:
	@echo "make run    start everything (web, rasa, actions, worker) and print the simulator URL"
	@echo "make test   run the whole test suite"
	@echo "make lint   ruff;  make train   retrain Rasa if its data changed"
	@echo "make extract-messages / update-messages / locales   the Babel catalogs"

# --- environments (quick when present: stamps depend on the dependency files) ---------
$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON311) >/dev/null || { echo "Python >= 3.11 is needed (set PYTHON311=...)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON311) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

$(RASA_VENV)/.installed: requirements-rasa.txt
	@PY310="$$(scripts/find-python310)" || exit 1; \
	  test -x $(RASA_VENV)/bin/python || "$$PY310" -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/python -m pip install --quiet --upgrade pip wheel 'setuptools<70'
	$(RASA_VENV)/bin/python -m pip install --quiet -r requirements-rasa.txt
	@touch $@

setup: $(VENV)/.installed $(RASA_VENV)/.installed locales

# --- translations (compiled catalogs are built, never committed) ----------------------
locales: $(MO_FILES)

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -l $* -d locales -D messages

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _ --no-location --sort-output \
	  --project "Min Ajliki Assistant" -o locales/messages.pot .

update-messages: extract-messages
	$(BIN)/pybabel update -i locales/messages.pot -d locales \
	  --ignore-obsolete --width 100

# --- Rasa ---------------------------------------------------------------------------
train: setup
	$(BIN)/minajliki train

# --- the two commands ---------------------------------------------------------------
run: train
	$(BIN)/minajliki check-config
	$(BIN)/minajliki migrate
	@echo "Simulator: $(MINAJLIKI_WEB_URL)/simulator   (Ctrl-C stops everything)"
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile -p $(PORT)

test: train
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) $(RASA_VENV) rasa_project/models instance $(MO_FILES)

# --- benchmarks (they print figures; see README) -----------------------------------
eval-nlu: setup
	$(BIN)/python -m bench.eval_nlu

bench-webhook: setup
	$(BIN)/python -m bench.webhook

# The dashboard's load time on 50,000 women and 1,000,000 messages (PostgreSQL on
# 127.0.0.1:5432; seeds its own database, minajliki_bench_reports, in about two minutes).
.PHONY: bench-reports
bench-reports: setup
	$(BIN)/python -m bench.reports $(BENCH_ARGS)

# The whole path on the trained model, private PostgreSQL and Redis, Prism (a few minutes
# each). Options through BENCH_ARGS, e.g. make bench-load BENCH_ARGS="--rate 10".
bench-load: train
	$(BIN)/python -m bench.load $(BENCH_ARGS)

bench-faults: train
	$(BIN)/python -m bench.faults $(BENCH_ARGS)

bench-broadcast: setup
	$(BIN)/python -m bench.broadcast $(BENCH_ARGS)
