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
. "$(dirname "$0")/server.sh"
start_nqdb "$bin"
echo "nqdb on $pg (http $http), data in a temporary directory"
status=0
"$bin" load --dsn "postgres://postgres@$pg/postgres?sslmode=disable" --http "$http" "$@" || status=$?
exit $status
