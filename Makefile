# NeuroQuantumDB build, run and test entry points. `make test` is what CI runs.
GO        ?= go
BIN       := bin/nqdb
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X main.version=$(VERSION)
PKGS      := ./...
# Short fuzzing inside `make test`, counted in executions: a duration-based
# -fuzztime in Go 1.26 can end a clean run with "context deadline exceeded"
# (golang/go#75804, fixed in Go 1.27). `make fuzz` runs each target longer.
FUZZTIME_SHORT ?= 10000x
FUZZTIME  ?= 3m

# package:FuzzTarget pairs; every input path has one.
FUZZ_TARGETS := \
	./server:FuzzMessageLoop \
	./server/auth:FuzzSCRAM \
	./server/auth:FuzzAuthenticate \
	./sql/parser:FuzzParse \
	./sql/types:FuzzParseText \
	./sql/types:FuzzParseBinary \
	./sql/types:FuzzParseTypeName \
	./sql/copyfmt:FuzzDecodeText \
	./sql/copyfmt:FuzzDecodeCSV \
	./sql/copyfmt:FuzzDecodeBinary \
	./sql/copyfmt:FuzzParseOptions \
	./planner:FuzzBuild \
	./executor/eval:FuzzBuildRun \
	./cmd/nqdb:FuzzParseSize \
	./storage/pager:FuzzOpenPage \
	./storage/btree:FuzzTree \
	./storage/btree:FuzzValidateNode \
	./storage/wal:FuzzReplay \
	./storage/lock:FuzzLockOps \
	./storage/vfs:FuzzMemFile \
	./codec:FuzzDecode \
	./codec:FuzzOrder \
	./executor/rowcodec:FuzzDecodeRow \
	./internal/crashtest:FuzzParsePgbench \
	./executor/eval:FuzzFormat

.PHONY: all build run test unit race vet fmt-check lint fuzz fuzz-short bench bench-wire bench-pgbench crash-test clean deps

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/nqdb

# Build and start the server on the default data directory (./nqdb-data).
run: build
	./$(BIN) serve $(ARGS)

deps:
	$(GO) mod download

# Everything CI checks: formatting, vet, all tests against real PostgreSQL 15
# and real clients, and a short run of every fuzz target.
test: fmt-check vet unit race fuzz-short

unit:
	NQDB_REQUIRE_PG=1 $(GO) test -count=1 -timeout 20m $(PKGS)

# The packages where goroutines meet (connections, cancel, shutdown, the
# shared parser pool, concurrent table access) again under the race detector.
race:
	NQDB_REQUIRE_PG=1 $(GO) test -race -count=1 -timeout 20m ./server/... ./executor/... ./storage/... ./sql/parser/

vet:
	$(GO) vet $(PKGS)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

lint: fmt-check vet

fuzz-short:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		if grep -rqs "func $$name(" $$pkg/*_test.go; then \
			echo "fuzz $$pkg $$name ($(FUZZTIME_SHORT))"; \
			$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME_SHORT) $$pkg || exit 1; \
		else echo "missing fuzz target $$name in $$pkg"; exit 1; fi; \
	done

fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$pkg $$name ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	done

# Component benchmarks.
bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

# Wire benchmarks side by side with PostgreSQL 15 in one run: connection
# set-up and SELECT 1 round trips (simple and extended) with pgx, then
# pgbench SELECT 1 with 8 clients in each protocol mode; prints ratios.
bench-wire:
	NQDB_REQUIRE_PG=1 NQDB_BENCH=1 $(GO) test -count=1 -run 'TestWireRatios|TestPgbenchRatios' -v ./server

# kill -9 crash rounds against the real binary under load, checkpoints and
# COPY (`make unit` runs 5 of them), plus the pgbench end-to-end runs.
crash-test:
	NQDB_REQUIRE_PG=1 NQDB_CRASH_ROUNDS=200 $(GO) test -count=1 -timeout 60m -v -run 'TestCrashRecovery|TestPgbench' ./internal/crashtest

# The storage scoreboard: pgbench -i, tpcb-like and select-only at scale 10
# against a durable PostgreSQL 15 in the same run (ratios printed).
bench-pgbench:
	NQDB_REQUIRE_PG=1 NQDB_BENCH=1 $(GO) test -count=1 -timeout 30m -run 'TestPgbenchStorage' -v ./server

clean:
	rm -rf bin nqdb-data
