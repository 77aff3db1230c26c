#!/usr/bin/env bash
# The gain of profile-guided optimisation, measured: the same nqdb built
# with and without cmd/nqdb/default.pgo, pgbench against each in turn.
#   bench/pgo-compare.sh PGO_BIN PLAIN_BIN [ROUNDS [SECONDS [SCALE]]]
# Each round starts each binary on a fresh data directory (pgbench -i -s
# SCALE) and runs select-only and tpcb-like (-M prepared, 8 clients) for
# SECONDS; the order of the two binaries alternates from round to round so
# that a machine warming up or a neighbour's load does not favour one. The
# table gives the mean TPS of each, every round's figure, and the gain.
set -euo pipefail
pgo_bin=${1:?usage: pgo-compare.sh PGO_BIN PLAIN_BIN [ROUNDS [SECONDS [SCALE]]]}
plain_bin=${2:?usage: pgo-compare.sh PGO_BIN PLAIN_BIN [ROUNDS [SECONDS [SCALE]]]}
rounds=${3:-3}
secs=${4:-10}
scale=${5:-10}
here=$(dirname "$0")
results=$(mktemp)
trap 'rm -f "$results"' EXIT
one() { # one BIN LABEL: a fresh server, pgbench -i, the two workloads
	(
		. "$here/server.sh"
		start_nqdb "$1"
		pgbench -i -q -s "$scale" -h "$host" -p "$port" -U postgres postgres >/dev/null 2>&1
		for w in select-only tpcb-like; do
			tps=$(pgbench -b "$w" -M prepared -c 8 -j 2 -T "$secs" -h "$host" -p "$port" -U postgres postgres 2>/dev/null |
				sed -n 's/^tps = \([0-9.]*\).*/\1/p')
			echo "$2 $w $tps" | tee -a "$results"
		done
	)
}
for r in $(seq 1 "$rounds"); do
	if [ $((r % 2)) = 1 ]; then
		one "$pgo_bin" pgo; one "$plain_bin" plain
	else
		one "$plain_bin" plain; one "$pgo_bin" pgo
	fi
done
echo
awk '{ s[$1" "$2] += $3; n[$1" "$2]++; all[$1" "$2] = all[$1" "$2] sprintf(" %.0f", $3) }
END {
	printf "%-12s %12s %12s %8s   %s\n", "workload", "TPS no PGO", "TPS PGO", "gain", "rounds (no PGO | PGO)"
	split("select-only tpcb-like", ws, " ")
	for (i = 1; i <= 2; i++) {
		w = ws[i]; p = s["plain " w] / n["plain " w]; g = s["pgo " w] / n["pgo " w]
		printf "%-12s %12.0f %12.0f %+7.1f%%  %s |%s\n", w, p, g, (g / p - 1) * 100, all["plain " w], all["pgo " w]
	}
}' "$results"
