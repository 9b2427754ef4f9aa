# Everyday tasks (run `make setup` once).
PY := .venv/bin/python

.PHONY: setup demo test lint types bench
setup:
	python3 -m venv .venv && .venv/bin/pip install -q -e '.[test,dev]'
	python3 -m venv .venv-oracle13 && .venv-oracle13/bin/pip install -q -r tests/oracle13-requirements.txt
demo:
	.venv/bin/authorbot demo
test:
	$(PY) -m pytest
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check bot/anthology bot/engine
types:
	.venv/bin/mypy
bench:
	$(PY) benchmarks/engine_bench.py
	$(PY) benchmarks/webhook_ack.py --n 2000
	$(PY) benchmarks/load_bench.py
	$(PY) benchmarks/ack_capacity.py
	$(PY) benchmarks/fault_bench.py
	$(PY) benchmarks/fault_bench.py --inbox postgresql --workers 4
	$(PY) benchmarks/github_calls.py
	$(PY) benchmarks/job_bench.py
	$(PY) benchmarks/fuzz_bench.py
	$(PY) benchmarks/eval_requests.py
