# Sourced by the bench scripts: start_nqdb BIN [FLAGS] starts BIN on a temporary
# data directory on free loopback ports (the server picks them; they are
# read from its start-up lines), sets pg (host:port), http, host and port,
# and stops the server and removes the directory when the script exits.
tmp=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

start_nqdb() {
	# --max-connections: 100 load-test VUs each hold one, plus setup.
	# Arguments after BIN are more serve flags (they win over these).
	"$1" serve --listen 127.0.0.1:0 --http 127.0.0.1:0 --data-dir "$tmp/data" \
		--max-connections 200 --log-level info "${@:2}" >"$tmp/server.log" 2>&1 &
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
	host=${pg%:*} port=${pg##*:}
}
