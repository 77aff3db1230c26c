#!/usr/bin/env bash
# A CPU profile of nqdb under pgbench, from the server's /debug/pprof.
#   bench/flamegraph.sh BIN [SECONDS [SCALE [HTTP_ADDR]]]
# Starts BIN on a temporary data directory, runs pgbench -i -s SCALE, then
# pgbench tpcb-like (-M prepared, 8 clients) for SECONDS while taking a CPU
# profile of the same length. Saves bench/results/cpu-<date>.pprof; with
# HTTP_ADDR, serves the flame graph there (go tool pprof -http; open
# /ui/flamegraph), else prints the top functions.
set -euo pipefail
bin=${1:?usage: flamegraph.sh BIN [SECONDS [SCALE [HTTP_ADDR]]]}
secs=${2:-10}
scale=${3:-10}
ui=${4:-}
. "$(dirname "$0")/server.sh"
start_nqdb "$bin" --pprof
pgbench -i -q -s "$scale" -h "$host" -p "$port" -U postgres postgres
mkdir -p bench/results
out=bench/results/cpu-$(date +%Y-%m-%dT%H%M%S).pprof
curl -sf -o "$out" "http://$http/debug/pprof/profile?seconds=$secs" &
curl_pid=$!
pgbench -b tpcb-like -M prepared -c 8 -j 2 -T "$secs" -h "$host" -p "$port" -U postgres postgres | grep -E '^(tps|latency)'
wait "$curl_pid"
echo "CPU profile: $out"
if [ -n "$ui" ]; then
	go tool pprof -http "$ui" "$bin" "$out"
else
	go tool pprof -top -nodecount 25 "$bin" "$out"
fi
