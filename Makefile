# Thin entry points: the logic lives in scripts/bootstrap.sh and sandbox/ (see `sandbox/swarm-sandbox --help`).
# Node counts: make sandbox-up SANDBOX_ARGS="--managers 1 --workers 2"
SANDBOX_ARGS ?=

.PHONY: demo test lint bench bootstrap sandbox-up sandbox-down

# The README's two commands.
demo:
	scripts/demo.sh $(SANDBOX_ARGS)

test:
	scripts/test.sh

lint:
	scripts/lint.sh

bench:
	bench/run $(BENCH_ARGS)

bootstrap:
	scripts/bootstrap.sh

sandbox-up:
	sandbox/swarm-sandbox up $(SANDBOX_ARGS)

sandbox-down:
	sandbox/swarm-sandbox down
