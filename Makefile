# The two commands a newcomer types (see README):
#   make demo   — install what is needed, build the synthetic demo corpus and start the platform
#   make test   — install what is needed (PostgreSQL, Chromium, fonts included) and run every test
.PHONY: demo test lint bench clean

demo:
	scripts/bootstrap.sh runtime
	.venv/bin/zhichan demo

# The suite compiles the tree once: with PYTHONDONTWRITEBYTECODE set (as some environments do), each
# xdist worker and every process a test starts (CLI, server, spawned build workers) compiled the
# modules it imported again. The bytecode goes to the usual __pycache__ folders (git ignores them).
# One xdist worker more than the cores: a test often waits on PostgreSQL, Chromium or a process it started,
# and a third worker on two cores ran the suite in 11 min 11 s against two workers' 12 min 50 s (2026-12-06,
# the same tests, nothing else running).
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
test:
	scripts/bootstrap.sh test
	env -u PYTHONDONTWRITEBYTECODE .venv/bin/python -m compileall -q -j 0 zhichan
	env -u PYTHONDONTWRITEBYTECODE .venv/bin/python -m pytest -n $(TEST_WORKERS) --dist worksteal --durations=25

bench:
	scripts/bootstrap.sh bench
	@echo "benchmarks: see README (each script in benchmarks/ prints its own table)"

lint:
	.venv/bin/ruff check zhichan tests benchmarks
	.venv/bin/mypy

clean:
	rm -rf var .pytest_cache
	find zhichan tests benchmarks -name __pycache__ -prune -exec rm -rf {} +
