#!/usr/bin/env bash
# Runs `nqdb load` (the staged load test) against a fresh nqdb server.
#   bench/load-test.sh BIN [nqdb load flags...]
# BIN serves on a temporary data directory on free loopback ports (the
# server picks them; this script reads them from its start-up lines) and is
# stopped afterwards. The exit status is nqdb load's: 1 when a threshold
# failed. `make load-test` runs it with bin/nqdb.
set -euo pipefail
bin=${1:?usage: load-test.sh BIN [nqdb load flags]}
shift
tmp=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT
# 100 VUs each hold a connection, plus the setup connection.
"$bin" serve --listen 127.0.0.1:0 --http 127.0.0.1:0 --data-dir "$tmp/data" \
	--max-connections 200 --log-level info >"$tmp/server.log" 2>&1 &
pid=$!
pg= http=
for _ in $(seq 1 300); do
	pg=$(sed -n 's/^nqdb .* listening on \([0-9.:]*\)$/\1/p' "$tmp/server.log" | head -1)
	http=$(sed -n 's/.*"serving \/health and \/metrics".*"http":"\([^"]*\)".*/\1/p' "$tmp/server.log" | head -1)
	[ -n "$pg" ] && [ -n "$http" ] && break
	kill -0 "$pid" 2>/dev/null || { cat "$tmp/server.log"; exit 1; }
	sleep 0.1
done
[ -n "$pg" ] && [ -n "$http" ] || { echo "server did not start:"; cat "$tmp/server.log"; exit 1; }
echo "nqdb on $pg (http $http), data in a temporary directory"
status=0
"$bin" load --dsn "postgres://postgres@$pg/postgres?sslmode=disable" --http "$http" "$@" || status=$?
exit $status
