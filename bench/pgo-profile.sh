#!/usr/bin/env bash
# Collects the CPU profile that profile-guided optimisation builds with:
# cmd/nqdb/default.pgo (go build picks it up for the nqdb command by
# itself, -pgo=auto).
#   bench/pgo-profile.sh BIN [SECONDS [SCALE]]
# BIN must be built without PGO (-pgo=off: a profile of a PGO build feeds
# its own inlining decisions back, which Go supports but makes the result
# depend on the previous profile). Starts BIN with --pprof on a temporary
# data directory, pgbench -i -s SCALE, then takes a CPU profile of SECONDS
# during each of the workloads we benchmark: select-only (prepared and
# simple protocol) and tpcb-like (prepared), 8 clients; the three are
# merged into one profile, weighted by time as they ran.
set -euo pipefail
bin=${1:?usage: pgo-profile.sh BIN [SECONDS [SCALE]]}
secs=${2:-20}
scale=${3:-10}
. "$(dirname "$0")/server.sh"
start_nqdb "$bin" --pprof
pgbench -i -q -s "$scale" -h "$host" -p "$port" -U postgres postgres 2>&1 | tail -1
profiles=()
for run in "select-only prepared" "select-only simple" "tpcb-like prepared"; do
	set -- $run
	prof=$tmp/cpu-$1-$2.pprof
	curl -sf -o "$prof" "http://$http/debug/pprof/profile?seconds=$secs" &
	curl_pid=$!
	echo -n "pgbench $1 -M $2: "
	pgbench -b "$1" -M "$2" -c 8 -j 2 -T "$secs" -h "$host" -p "$port" -U postgres postgres | grep '^tps'
	wait "$curl_pid"
	profiles+=("$prof")
done
# pprof -proto merges profiles of the same binary into one.
go tool pprof -proto "${profiles[@]}" >"$tmp/merged.pprof" 2>/dev/null
mv "$tmp/merged.pprof" cmd/nqdb/default.pgo
echo "cmd/nqdb/default.pgo: $(stat -c %s cmd/nqdb/default.pgo) bytes (commit it)"
