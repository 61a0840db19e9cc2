# The two commands a newcomer needs: `make run` and `make test`. Both build .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
FLASK := $(BIN)/flask --app storefront
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test stack cluster bench lint format clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $@

## run: the shop on its embedded defaults (SQLite, in-process cache and Redis) with demo data
run: $(STAMP)
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) slots generate --days 7
	$(FLASK) demo-staff
	$(FLASK) run --host $(HOST) --port $(PORT)

## test: the whole suite (tests on MariaDB/Redis skip loudly when those are not reachable),
## in TEST_WORKERS processes (measured on 2 cores: 3 keeps them busy while tests wait on
## servers); TEST_WORKERS=0 runs it in this one process
TEST_WORKERS ?= 3
test: $(STAMP)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup -m "not quiet" $(PYTEST_ARGS)
	$(BIN)/pytest -n 0 -m quiet $(PYTEST_ARGS) || [ $$? -eq 5 ]  # 5: none selected

## stack: gunicorn, Celery worker and beat, nginx on MariaDB and Redis (deploy/stack.sh)
stack: $(STAMP)
	deploy/stack.sh

## cluster: NODES web nodes (network namespaces) behind a load balancer, Redis through
## Sentinel (deploy/cluster.py; root, iproute2, nginx); Ctrl-C stops and removes it all
NODES ?= 3
cluster: $(STAMP)
	NODES=$(NODES) exec $(BIN)/python deploy/cluster.py

## bench: the shop against this machine's own floor (MariaDB, Redis; installs wrk), then orders, the cluster and 30,000 SKUs, < 20 min
bench: $(STAMP)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
