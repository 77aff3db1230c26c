#!/usr/bin/env bash
# A heap profile of nqdb under pgbench, from the server's /debug/pprof/heap.
#   bench/memprofile.sh BIN [SECONDS [SCALE [CLIENTS]]]
# Starts BIN (--pprof, its default 32 MiB buffer pool) on a temporary data
# directory, runs pgbench -i -s SCALE, then pgbench tpcb-like (-M prepared,
# CLIENTS clients, 8 by default) for SECONDS and takes the heap profile two
# thirds into the run, while the clients are connected. Saves
# bench/results/heap-<date>.pprof and prints the process's memory (VmRSS,
# VmHWM), the Go heap in use, and pprof's top functions by bytes in use and
# by bytes allocated over the whole run.
set -euo pipefail
bin=${1:?usage: memprofile.sh BIN [SECONDS [SCALE [CLIENTS]]]}
secs=${2:-10}
scale=${3:-10}
clients=${4:-8}
. "$(dirname "$0")/server.sh"
start_nqdb "$bin" --pprof
pgbench -i -q -s "$scale" -h "$host" -p "$port" -U postgres postgres 2>&1 | tail -1
mkdir -p bench/results
out=bench/results/heap-$(date +%Y-%m-%dT%H%M%S).pprof
pgbench -b tpcb-like -M prepared -c "$clients" -j 2 -T "$secs" -h "$host" -p "$port" -U postgres postgres \
	>"$tmp/pgbench.out" 2>&1 &
bench_pid=$!
sleep $((secs * 2 / 3 > 0 ? secs * 2 / 3 : 1))
curl -sf -o "$out" "http://$http/debug/pprof/heap"
rss=$(awk '/^VmRSS/{print $2}' "/proc/$pid/status")
metrics=$(curl -sf "http://$http/metrics")
wait "$bench_pid" || { cat "$tmp/pgbench.out"; exit 1; }
grep -E '^(tps|latency)' "$tmp/pgbench.out"
hwm=$(awk '/^VmHWM/{print $2}' "/proc/$pid/status")
heap=$(awk '$1=="go_memstats_heap_inuse_bytes"{printf "%.1f", $2/1048576}' <<<"$metrics")
echo "memory with $clients clients: VmRSS $((rss / 1024)) MiB during the run, peak (VmHWM) $((hwm / 1024)) MiB, Go heap in use ${heap} MiB"
echo "heap profile: $out"
echo "--- bytes in use (two thirds into the run)"
go tool pprof -top -nodecount 20 -sample_index=inuse_space "$bin" "$out" 2>/dev/null | sed -n '/^Showing\|flat%/,$p'
echo "--- bytes allocated since start (pgbench -i included)"
go tool pprof -top -nodecount 20 -sample_index=alloc_space "$bin" "$out" 2>/dev/null | sed -n '/^Showing\|flat%/,$p'
