# KRS — the two commands a new developer needs: `make run` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3
export FLASK_APP := wsgi.py

.PHONY: run test install translations lint e2e clean bench soak

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

install: $(VENV)/.installed

translations: install
	$(BIN)/pybabel compile -d translations

run: install translations
	$(BIN)/flask db upgrade
	$(BIN)/flask krs seed-demo
	@echo ""
	@echo "KRS berjalan di http://127.0.0.1:5000  (Ctrl+C untuk berhenti)"
	@# the worker (krs/jobs.py: exports, imports, the daily digest) beside the web server; Ctrl+C or the server's end stops both
	@$(BIN)/huey_consumer worker.huey --workers 2 --worker-type thread --quiet & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: install translations
	$(BIN)/pytest -q $(PYTEST_ARGS)

# Load test on loopback (not in CI): SOAK_SECONDS, SOAK_USERS, SOAK_DATABASE_URL (default a temp SQLite).
SOAK_SECONDS ?= 60
SOAK_USERS ?= 40
soak: install translations
	$(BIN)/python tools/soak.py --seconds $(SOAK_SECONDS) --users $(SOAK_USERS)

# Style, then the layer contracts of DESIGN.md §2 ([tool.importlinter] in pyproject.toml)
lint: install
	$(BIN)/ruff check krs tests config.py wsgi.py
	$(BIN)/ruff format --check krs tests config.py wsgi.py
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) instance/test*.db test-artifacts

# Benchmarks (docs/PERFORMANCE.md): SIZES="10000 100000 1000000" DBS="sqlite postgresql"
SIZES ?= 10000 100000
DBS ?= sqlite postgresql
BENCH_ARGS ?=
bench: install translations
	$(BIN)/python -m bench.run --sizes "$(SIZES)" --dbs "$(DBS)" $(BENCH_ARGS)
