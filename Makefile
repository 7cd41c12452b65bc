# The two commands a newcomer types (see README):
#   make demo   — install what is needed, build the synthetic demo corpus and start the platform
#   make test   — install what is needed (PostgreSQL, Chromium, fonts included) and run every test
.PHONY: demo test lint bench clean

demo:
	scripts/bootstrap.sh runtime
	.venv/bin/zhichan demo

test:
	scripts/bootstrap.sh test
	.venv/bin/python -m pytest -n auto --dist worksteal --durations=25

bench:
	scripts/bootstrap.sh bench
	@echo "benchmarks: see README (each script in benchmarks/ prints its own table)"

lint:
	.venv/bin/ruff check zhichan tests benchmarks
	.venv/bin/mypy

clean:
	rm -rf var .pytest_cache
