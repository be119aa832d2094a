# The two commands a newcomer needs: `make run` and `make test`.
# Everything else here is what those two call, plus `make bench`.

CARGO ?= cargo
export CARGO_TERM_COLOR ?= never

.PHONY: run test bench build fmt clippy fuzz bench-api

## Build what is needed and start the whole product with a demo account and a simulated store.
run:
	bash scripts/run.sh

## Every test: Rust (SQLite and PostgreSQL), front end, browser end-to-end.
test:
	bash scripts/test.sh

## Benchmarks: criterion plus whole-program runs against the simulator.
bench:
	bash scripts/bench.sh

build:
	$(CARGO) build --workspace

fmt:
	$(CARGO) fmt --all

clippy:
	$(CARGO) clippy --workspace --all-targets

## Fuzz the HTTP API with schemathesis (fuller pass than the bounded one in `make test`).
fuzz:
	MAX_EXAMPLES=$${MAX_EXAMPLES:-100} MAX_TIME=$${MAX_TIME:-900} CHECKS=$${CHECKS:-all} bash scripts/fuzz-api.sh

## GET /api/v1/auth/me p99 under 50 concurrent clients, and the binary's idle memory.
bench-api:
	bash scripts/bench-api.sh
