#!/usr/bin/env bash
# The performance report (make report): runs the Go benchmarks and the
# measurements of bench/report (start-up time, idle memory, memory under 50
# pgbench clients, nqdb beside PostgreSQL 15, buffer pool hit ratio over
# time) and writes bench/results/report-<date>/report.md with its SVG
# charts. Every number in it comes from this run.
#   scripts/performance-report.sh
# Knobs (environment): REPORT_SECONDS (10) per pgbench run, REPORT_SCALE
# (10), REPORT_CLIENTS (1,8,32), REPORT_LOAD_CLIENTS (50), REPORT_POOL
# (32MiB, the buffer pool for the memory target), REPORT_MEMORY (128MiB,
# both servers side by side), REPORT_STARTS (5), REPORT_BENCHTIME (100ms
# per Go benchmark; "none" skips them), NQDB_BIN (bin/nqdb),
# NQDB_SMALL_BIN (bin/nqdb-small). A quick run:
#   REPORT_SECONDS=3 REPORT_SCALE=2 REPORT_CLIENTS=1,8 REPORT_BENCHTIME=none make report
set -euo pipefail
cd "$(dirname "$0")/.."
export NQDB_BIN=${NQDB_BIN:-bin/nqdb}
export NQDB_SMALL_BIN=${NQDB_SMALL_BIN:-bin/nqdb-small}
export REPORT_DIR=${REPORT_DIR:-bench/results/report-$(date +%Y-%m-%dT%H%M%S)}
mkdir -p "$REPORT_DIR"
benchtime=${REPORT_BENCHTIME:-100ms}
if [ "$benchtime" != none ]; then
	echo "Go benchmarks (-benchtime $benchtime, once each) -> $REPORT_DIR/gobench.txt"
	# The side-by-side wire benchmarks start PostgreSQL: make bench-wire has them.
	go test -run '^$' -bench . -skip '^BenchmarkWire' -benchmem -benchtime "$benchtime" -count 1 -timeout 30m ./... \
		>"$REPORT_DIR/gobench.txt" 2>&1 || { grep -E 'FAIL|panic' "$REPORT_DIR/gobench.txt" | head -20; exit 1; }
	export REPORT_GOBENCH=$REPORT_DIR/gobench.txt
fi
go run ./bench/report
