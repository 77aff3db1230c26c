#!/usr/bin/env bash
# CPU cache behaviour of nqdb under pgbench.
#   bench/cacheprofile.sh BIN [SECONDS [SCALE]]
# With hardware counters (perf stat can count cache-misses here): perf stat
# on the running server during pgbench select-only and tpcb-like (8
# clients, prepared) for SECONDS each. Without them (most VMs) but with
# valgrind: the server under cachegrind (simulated I1/D1/LL caches; about
# 50 times slower, so scale 1, 2 clients, SECONDS of select-only), with the
# summary and cg_annotate's top functions; the output file is saved as
# bench/results/cachegrind-<date>.out. With neither, one skip line and
# exit status 0. BIN should keep its symbol table (not -s -w) for
# cachegrind to name functions.
set -euo pipefail
bin=${1:?usage: cacheprofile.sh BIN [SECONDS [SCALE]]}
secs=${2:-10}
scale=${3:-10}
events=cycles,instructions,cache-references,cache-misses,L1-dcache-loads,L1-dcache-load-misses,LLC-loads,LLC-load-misses
counters=0
if command -v perf >/dev/null 2>&1 && perf stat -x, -e cache-misses true 2>&1 | grep -q '^[0-9]'; then
	counters=1
fi
mkdir -p bench/results
stamp=$(date +%Y-%m-%dT%H%M%S)
. "$(dirname "$0")/server.sh"
if [ "$counters" = 1 ]; then
	start_nqdb "$bin"
	pgbench -i -q -s "$scale" -h "$host" -p "$port" -U postgres postgres 2>&1 | tail -1
	for w in select-only tpcb-like; do
		echo "--- perf stat of the server during pgbench $w"
		perf stat -e "$events" -p "$pid" -- sleep "$secs" 2>&1 &
		perf_pid=$!
		pgbench -b "$w" -M prepared -c 8 -j 2 -T "$secs" -h "$host" -p "$port" -U postgres postgres | grep -E '^(tps|latency)'
		wait "$perf_pid"
	done
	exit 0
fi
if ! command -v valgrind >/dev/null 2>&1; then
	echo "profile-cache: skipped: perf has no hardware cache counters on this machine (a VM?) and valgrind is not installed (apt-get install valgrind)"
	exit 0
fi
echo "perf has no hardware cache counters here: simulating the caches with valgrind --tool=cachegrind (scale 1, 2 clients, ${secs}s select-only)"
out=bench/results/cachegrind-$stamp.out
# The server runs under valgrind; start_nqdb's flags are reused through a
# wrapper so that the ports and the clean-up stay the same.
wrapper=$tmp/nqdb-under-cachegrind
cat >"$wrapper" <<WRAP
#!/bin/sh
exec valgrind --tool=cachegrind --cache-sim=yes --cachegrind-out-file=$PWD/$out "$PWD/$bin" "\$@"
WRAP
chmod +x "$wrapper"
start_nqdb "$wrapper"
pgbench -i -q -s 1 -h "$host" -p "$port" -U postgres postgres 2>&1 | tail -1
pgbench -b select-only -M prepared -c 2 -T "$secs" -h "$host" -p "$port" -U postgres postgres | grep -E '^(tps|latency)'
kill -TERM "$pid"
wait "$pid" 2>/dev/null || true
pid=
echo "--- cachegrind summary (whole server life: start, pgbench -i, select-only)"
grep -E '^==[0-9]+== +(I|D|LL)' "$tmp/server.log" | sed 's/^==[0-9]*== *//'
echo "--- functions with the most last-level data read misses (cg_annotate)"
# The function table is the second one (after the totals); it needs a
# binary with symbols (make profile-cache builds one).
cg_annotate --sort=DLmr "$out" 2>/dev/null | awk '/^Ir /{n++} n==2' | sed -n '3,20p'
echo "cachegrind output: $out (cg_annotate $out)"
