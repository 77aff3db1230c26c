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

# package:FuzzTarget pairs; every input path has one. A third field sets
# the short run's count for a target that is slow per execution.
FUZZ_TARGETS := \
	./server:FuzzMessageLoop \
	./server/auth:FuzzSCRAM \
	./server/auth:FuzzAuthenticate \
	./sql/parser:FuzzParse \
	./sql/parser:FuzzWithClause \
	./sql/parser:FuzzLimitClauses \
	./sql/types:FuzzParseText \
	./sql/types:FuzzParseBinary \
	./sql/types:FuzzParseTypeName \
	./sql/copyfmt:FuzzDecodeText \
	./sql/copyfmt:FuzzDecodeCSV \
	./sql/copyfmt:FuzzDecodeBinary \
	./sql/copyfmt:FuzzParseOptions \
	./planner:FuzzBuild \
	./executor/eval:FuzzBuildRun \
	./executor/eval:FuzzWritableCTE \
	./executor/eval:FuzzSimilarToEscape \
	./executor/eval:FuzzJSONOperators \
	./executor/eval:FuzzLikePrefixRange \
	./executor:FuzzKeySpans \
	./executor:FuzzCheckConstraint \
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
	./cmd/nqdb:FuzzParseStages \
	./internal/slt:FuzzParse \
	./internal/slt:FuzzAppendValue \
	./cmd/nqdb:FuzzParseThreshold \
	./bench/pgcompare:FuzzParseOutputs \
	./bench/benchcheck:FuzzCheck \
	./bench/report:FuzzParsers \
	./executor/eval:FuzzFormat \
	./executor/pgcatalog:FuzzFormatType \
	./executor:FuzzSplitRegclassName \
	./internal/difffuzz:FuzzGenerate:500x \
	./internal/tpch:FuzzAppendCSVRow \
	./bench/tpch:FuzzParseScale \
	./internal/pgregress:FuzzDiff \
	./executor/eval:FuzzToCharNum \
	./sql/parser:FuzzAlter:2000x \
	./sql/parser:FuzzNormalize \
	./executor/eval:FuzzParseIdent:3000x \
	./storage:FuzzDecodeCommit \
	./storage:FuzzDecodePayload \
	./storage:FuzzModel:300x \
	./storage/wal:FuzzRoundTrip \
	./sql/types:FuzzParseDateOrder:2000x \
	./internal/isolationtest:FuzzParseSpec:2000x \
	./sql/parser:FuzzPgOperators \
	./sql/parser:FuzzFieldSelect \
	./executor/eval:FuzzRegressExprs \
	./executor/eval:FuzzToDateRoundTrip \
	./executor/eval:FuzzRecordText \
	./sql/types:FuzzStyledOutput \
	./sql/types:FuzzCatalogText \
	./sql/types:FuzzCatalogBinary \
	./sql/parser:FuzzTypeDDL:3000x \
	./sql/parser:FuzzCreateFunction \
	./executor/eval:FuzzBatchKernels:2000x \
	./executor:FuzzCreateFunctionExec:2000x \
	./executor/eval:FuzzDML:2000x \
	./executor/eval:FuzzVecKernels:5000x \
	./executor/eval:FuzzAggKernels:2000x \
	./executor:FuzzKeyDatum \
	./executor:FuzzBlockSettings \
	./storage:FuzzSplitEvenly \
	./storage:FuzzReseek:30x \
	./executor/eval:FuzzLikeSegments \
	./executor/rowcodec:FuzzColumnDecoder:5000x \
	./executor:FuzzSortedEntries:5000x \
	./planner:FuzzLikeMatches:5000x \
	./executor/rowcodec:FuzzDecodeNumeric \
	./executor/rowcodec:FuzzDecodeSlab \
	./planner:FuzzDeparse:3000x \
	./planner:FuzzJoinOrder:2000x \
	./planner:FuzzLikePrefixSel \
	./executor:FuzzMemorySetting \
	./executor/eval:FuzzMergeJoin:3000x \
	./executor:FuzzPlanCache:1000x \
	./executor/pgcatalog:FuzzRegSignatureIn \
	./executor/pgcatalog:FuzzRegprocIn \
	./executor/eval:FuzzSortRows:3000x \
	./executor/eval:FuzzSpillFile:3000x \
	./executor/eval:FuzzSpillRows:3000x

.PHONY: all build run test unit race vet fmt-check lint fuzz fuzz-short bench bench-wire bench-pgbench crash-test clean deps \
	bench-pg benchmark benchmark-baseline benchmark-compare load-test profile-flamegraph compat slt

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
		pkg=$${t%%:*}; rest=$${t#*:}; name=$${rest%%:*}; n=$(FUZZTIME_SHORT); \
		case $$rest in *:*) n=$${rest#*:};; esac; \
		if grep -rqs "func $$name(" $$pkg/*_test.go; then \
			echo "fuzz $$pkg $$name ($$n)"; \
			$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $$n $$pkg || exit 1; \
		else echo "missing fuzz target $$name in $$pkg"; exit 1; fi; \
	done

fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; rest=$${t#*:}; name=$${rest%%:*}; \
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

# nqdb beside a throwaway durable PostgreSQL 15 (fsync and synchronous_commit
# on): pgbench select-only, simple-update and tpcb-like in simple, extended and
# prepared mode with 1, 8 and 32 clients, then sysbench OLTP; each case runs on
# both servers back to back. Prints TPS, average and p99 latency, the ratio and
# peak memory; the table goes to bench/results/pg-<date>.txt. A quick run:
#   make bench-pg BENCH_SECONDS=2 BENCH_SCALE=1 BENCH_CLIENTS=1,8
# (more knobs in bench/pgcompare/main.go). sysbench is installed with apt-get
# when missing; its workloads are skipped when that fails.
BENCH_SECONDS ?= 10
BENCH_SCALE   ?= 10
bench-pg: build
	@command -v sysbench >/dev/null 2>&1 || { echo "sysbench missing: apt-get install sysbench"; \
		apt-get install -y -q sysbench >/dev/null 2>&1 || echo "sysbench could not be installed: sysbench workloads will be skipped"; }
	BENCH_SECONDS=$(BENCH_SECONDS) BENCH_SCALE=$(BENCH_SCALE) NQDB_BIN=$(BIN) $(GO) run ./bench/pgcompare

# TPC-H at scale factor 0.01 (../shared/corpus/tpch, or NQDB_TPCH_DIR): the
# 22 queries on a fresh nqdb against PostgreSQL 15's answer files, pass / fail
# / timeout per query with its time and the first differing row; fails only
# for the queries in internal/tpch/testdata/must-pass.txt (`make unit` runs
# the same test). NQDB_TPCH_TIMEOUT (5s) limits the other queries.
.PHONY: tpch bench-tpch bench-parse
tpch:
	NQDB_REQUIRE_PG=1 $(GO) test -count=1 -run 'TestQueries|TestHarnessOnPostgres' -v ./internal/tpch

# TPC-H on nqdb and a throwaway PostgreSQL 15 in one run (bench/tpch): data
# from go-tpc's dbgen at scale factor SF, loaded into both with COPY, every
# query's time on both, the ratio, the geometric mean and whether nqdb's
# answer equals PostgreSQL's; the table goes to bench/results/tpch-<date>.txt.
# A quick run: SF=0.1 make bench-tpch. More knobs (BENCH_TPCH_TIMEOUT, 60s
# per query; BENCH_TPCH_QUERIES; BENCH_MEMORY) in bench/tpch/main.go.
SF ?= 1
bench-tpch: build
	SF=$(SF) NQDB_BIN=$(BIN) $(GO) run ./bench/tpch

# Parse + plan time of pgbench's -M simple statements (the five of tpcb-like,
# select-only) with and without the plan cache, beside the whole simple-Query
# round trip of the same statements on nqdb and PostgreSQL 15.
bench-parse:
	NQDB_REQUIRE_PG=1 NQDB_BENCH=1 $(GO) test -count=1 -timeout 20m -run 'TestParsePlanVsPostgres' -v ./server

# Every Go benchmark with -benchmem, BENCH_COUNT times (benchstat needs at
# least 6 samples to call a change significant), saved as
# bench/results/bench-<date>.txt (not committed). The side-by-side wire
# benchmarks (BenchmarkWire*, which start PostgreSQL) are left out: they
# measure PostgreSQL too; `make bench-wire` has them.
# `make benchmark-baseline` records bench/baseline.txt (committed);
# `make benchmark-compare` compares the latest results with it and fails on a
# significant regression over BENCH_THRESHOLD percent.
BENCH_COUNT     ?= 6
BENCH_TIME      ?= 1s
BENCH_SKIP      ?= ^BenchmarkWire
BENCH_THRESHOLD ?= 10
BENCHSTAT       := $(GO) run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
benchmark:
	@mkdir -p bench/results
	@out=bench/results/bench-$$(date +%Y-%m-%dT%H%M%S).txt; \
	{ $(GO) test -run '^$$' -bench . -skip '$(BENCH_SKIP)' -benchmem -benchtime $(BENCH_TIME) \
		-count $(BENCH_COUNT) -timeout 60m $(PKGS); echo $$? > $$out.rc; } | tee $$out; \
	rc=$$(cat $$out.rc); rm -f $$out.rc; echo "saved $$out"; exit $$rc

benchmark-baseline: benchmark
	cp "$$(ls -t bench/results/bench-*.txt | head -1)" bench/baseline.txt
	@echo "bench/baseline.txt updated: commit it"

benchmark-compare:
	@test -f bench/baseline.txt || { echo "no bench/baseline.txt: make benchmark-baseline"; exit 1; }
	@latest=$$(ls -t bench/results/bench-*.txt 2>/dev/null | head -1); \
	test -n "$$latest" || { echo "no results in bench/results: make benchmark"; exit 1; }; \
	echo "benchstat bench/baseline.txt $$latest"; \
	$(BENCHSTAT) bench/baseline.txt $$latest && \
	$(BENCHSTAT) -format csv bench/baseline.txt $$latest 2>/dev/null | $(GO) run ./bench/benchcheck -threshold $(BENCH_THRESHOLD)

# The staged load test (nqdb load: 0 -> 10 -> 50 -> 100 -> 50 -> 0 virtual
# users over 5 minutes; thresholds p95 < 500ms, errors < 5%, query p99 < 1s)
# against bin/nqdb on a temporary data directory. LOAD_ARGS adds flags, e.g.
# LOAD_ARGS='--time-scale 0.1' for a 30 s run.
LOAD_ARGS ?=
load-test: build
	bench/load-test.sh $(BIN) $(LOAD_ARGS)

# A CPU profile of the server under pgbench (tpcb-like, 8 clients, prepared)
# from its /debug/pprof endpoint, saved as bench/results/cpu-<date>.pprof and
# rendered as a flame graph in the browser (go tool pprof -http) when
# FLAMEGRAPH_HTTP is set, e.g. FLAMEGRAPH_HTTP=127.0.0.1:8081.
FLAMEGRAPH_HTTP ?=
profile-flamegraph: build
	bench/flamegraph.sh $(BIN) $(BENCH_SECONDS) $(BENCH_SCALE) $(FLAMEGRAPH_HTTP)

# A heap profile of the server under pgbench (tpcb-like, 8 clients,
# prepared), taken two thirds into the run: the process's memory, pprof's
# top functions by bytes in use and by bytes allocated; the profile is
# saved as bench/results/heap-<date>.pprof (go tool pprof -http for more).
profile-memory: build
	bench/memprofile.sh $(BIN) $(BENCH_SECONDS) $(BENCH_SCALE)

# CPU cache behaviour under pgbench: perf stat's hardware counters where
# the machine has them, else the server under valgrind's cachegrind on a
# short select-only run (bench/results/cachegrind-<date>.out), else a skip
# line.
profile-cache:
	$(GO) build -trimpath -ldflags '-X main.version=$(VERSION)' -o bin/nqdb-symbols ./cmd/nqdb
	bench/cacheprofile.sh bin/nqdb-symbols $(BENCH_SECONDS) $(BENCH_SCALE)

profile-all: profile-flamegraph profile-memory profile-cache

# Profile-guided optimisation. cmd/nqdb/default.pgo (committed) is a CPU
# profile of the server under pgbench select-only (prepared and simple)
# and tpcb-like; go build uses it for bin/nqdb by itself (-pgo=auto).
# `make pgo-profile` collects it again from a build without PGO (do it
# after larger changes to hot paths; PGO_SECONDS per workload);
# `make optimize-speed` builds bin/nqdb-pgo and bin/nqdb-nopgo and measures
# the gain with pgbench, alternating the two binaries PGO_ROUNDS times.
PGO_SECONDS ?= 20
PGO_ROUNDS  ?= 3
.PHONY: pgo-profile optimize-speed optimize-size build-arm64 test-arm64 report bench-smoke profile-memory profile-cache profile-all
pgo-profile:
	$(GO) build -pgo=off -trimpath -ldflags '$(LDFLAGS)' -o bin/nqdb-nopgo ./cmd/nqdb
	bench/pgo-profile.sh bin/nqdb-nopgo $(PGO_SECONDS) $(BENCH_SCALE)

optimize-speed:
	$(GO) build -pgo=cmd/nqdb/default.pgo -trimpath -ldflags '$(LDFLAGS)' -o bin/nqdb-pgo ./cmd/nqdb
	$(GO) build -pgo=off -trimpath -ldflags '$(LDFLAGS)' -o bin/nqdb-nopgo ./cmd/nqdb
	bench/pgo-compare.sh bin/nqdb-pgo bin/nqdb-nopgo $(PGO_ROUNDS) $(BENCH_SECONDS) $(BENCH_SCALE)

# The smallest server binary, bin/nqdb-small (goal: under 15 MB): no symbol
# table or DWARF (-s -w), no build paths or build id, static (no cgo),
# without the load tester and its client library (tag nqdb_small), and no
# PGO (its inlining grows the code); compressed with upx when installed.
SMALL_BIN := bin/nqdb-small
optimize-size:
	CGO_ENABLED=0 $(GO) build -pgo=off -trimpath -tags nqdb_small -ldflags '$(LDFLAGS) -buildid=' -o $(SMALL_BIN) ./cmd/nqdb
	@if command -v upx >/dev/null 2>&1; then \
		upx -q --best --lzma $(SMALL_BIN) >/dev/null && ./$(SMALL_BIN) version >/dev/null || \
		{ echo "upx output does not run: keeping the uncompressed binary"; \
		  CGO_ENABLED=0 $(GO) build -pgo=off -trimpath -tags nqdb_small -ldflags '$(LDFLAGS) -buildid=' -o $(SMALL_BIN) ./cmd/nqdb; }; \
	else echo "upx not installed (Debian 12 has no package): not compressed"; fi
	@./$(SMALL_BIN) version >/dev/null
	@size=$$(stat -c %s $(SMALL_BIN)); \
	awk -v s=$$size 'BEGIN { printf "$(SMALL_BIN): %d bytes (%.1f MiB, %.1f MB); goal < 15 MB: %s\n", s, s/1048576, s/1e6, (s < 15e6 ? "PASS" : "FAIL") }'

# bin/nqdb-linux-arm64 for the Raspberry Pi 4 (static, no cgo).
build-arm64:
	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/nqdb-linux-arm64 ./cmd/nqdb
	@ls -l bin/nqdb-linux-arm64

# The pure packages' unit tests (storage, codec, sql; simd and quantum
# once they exist) built for arm64 and run under qemu-user
# (scripts/test-arm64.sh; a skip line without qemu-aarch64). .ci/run runs it.
test-arm64:
	scripts/test-arm64.sh

# The performance report: Go benchmarks, start-up time, idle memory, memory
# under 50 clients, nqdb beside PostgreSQL 15 and the buffer pool hit ratio
# over time, as bench/results/report-<date>/report.md with SVG charts
# (knobs in scripts/performance-report.sh; a quick run:
# REPORT_SECONDS=3 REPORT_SCALE=2 REPORT_CLIENTS=1,8 REPORT_BENCHTIME=none make report).
report: build optimize-size
	scripts/performance-report.sh

# Every Go benchmark once (-benchtime 1x), so that none rots; .ci/run runs
# it after `make test` (about 100 s on 2 cores, mostly linking the test
# binaries). The wire benchmarks against PostgreSQL are left out here too
# (make bench-wire).
bench-smoke:
	@out=$$(mktemp); start=$$(date +%s); \
	if $(GO) test -run '^$$' -bench . -skip '$(BENCH_SKIP)' -benchtime 1x -count 1 -timeout 10m $(PKGS) >$$out 2>&1; then \
		echo "bench-smoke: $$(grep -c '^Benchmark' $$out) benchmarks ran once ($$(( $$(date +%s) - start ))s)"; rm -f $$out; \
	else grep -v -e '^ok ' -e '^PASS' -e '^?' $$out | tail -60; rm -f $$out; exit 1; fi

# The client matrix: the same checks through pgx (every exec mode), lib/pq,
# node-postgres, psycopg2, psycopg 3, pgjdbc and SQLAlchemy against bin/nqdb
# and a throwaway PostgreSQL 15, compared check by check (compat/README.md).
# Fails on a failure not listed in compat/expected-failures.txt and on a
# listed one that passes. COMPAT_ARGS adds runner flags, e.g.
# COMPAT_ARGS='-clients pgx-simple,psycopg3 -v'.
COMPAT_ARGS ?=
compat: build
	cd compat/node && npm ci --no-audit --no-fund --loglevel=error
	$(GO) run ./compat/runner $(COMPAT_ARGS)

# The whole sqllogictest corpus (../shared/corpus/sqllogictest) on nqdb,
# with the counts per file and in total (internal/slt; `make unit` runs the
# same test).
# SLT_ARGS adds go test flags; NQDB_SLT_FILES=regexp picks files.
SLT_ARGS ?=
slt:
	@out=$$(mktemp); $(GO) test -count=1 -timeout 60m -run 'TestNqdb' -v $(SLT_ARGS) ./internal/slt >$$out 2>&1; \
	rc=$$?; grep -E 'passed, .* failed|left out|slow: |^(ok|FAIL)' $$out; rm -f $$out; exit $$rc

# PostgreSQL's regression scripts (../shared/corpus/pg_regress) through psql
# against nqdb: prints matched/total lines per script (diffs in
# $$TMPDIR/nqdb-pgregress) and fails when a script falls below
# internal/pgregress/testdata/baseline.txt (`make unit` runs the same test).
# Raise the baseline after an improvement: NQDB_PGREGRESS_UPDATE=1 make pg-regress.
.PHONY: pg-regress
pg-regress:
	@out=$$(mktemp); NQDB_REQUIRE_PG=1 NQDB_PGREGRESS_DIFFS=0 $(GO) test -count=1 -v -run '^TestPgRegress$$' ./internal/pgregress >$$out 2>&1; \
	rc=$$?; grep -v -e '^=== ' -e '^    --- PASS' -e '^--- PASS' -e '^PASS$$' $$out; rm -f $$out; exit $$rc

clean:
	rm -rf bin nqdb-data

# The differential fuzzer (internal/difffuzz): random schemas and queries
# against nqdb and a throwaway PostgreSQL 15 for DIFFFUZZ_TIME (TLP and
# NoREC checks too); each distinct finding, shrunk, goes to DIFFFUZZ_OUT as a
# SQL file. `make unit` runs its short form. DIFFFUZZ_SEED replays one seed.
DIFFFUZZ_TIME ?= 10m
DIFFFUZZ_OUT  ?= bin/difffuzz
DIFFFUZZ_SEED ?= 0
.PHONY: difffuzz
difffuzz:
	NQDB_REQUIRE_PG=1 $(GO) test -count=1 -timeout 0 -run '^TestDiffFuzz$$' -v ./internal/difffuzz \
		-difffuzz.time $(DIFFFUZZ_TIME) -difffuzz.out $(abspath $(DIFFFUZZ_OUT)) -difffuzz.seed $(DIFFFUZZ_SEED)
