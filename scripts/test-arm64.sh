#!/usr/bin/env bash
# The unit tests of the pure packages (no server, no executor) built for
# linux/arm64 and run through qemu-user, so that code for the Raspberry Pi
# 4 target is tested on an amd64 machine: byte order, alignment and word
# size assumptions, and the arm64 side of any assembly.
#   scripts/test-arm64.sh [go test flags passed to the test binaries]
# ARM64_PKGS overrides the package patterns. Each package's tests are
# compiled with `go test -c` (GOARCH=arm64, CGO_ENABLED=0) and run in the
# package directory, as `go test` does, with -test.short. The PostgreSQL
# oracle tests still work: the amd64 PostgreSQL they start runs natively.
# Without qemu-aarch64 (Debian: qemu-user or qemu-user-static) it prints one
# skip line and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
qemu=$(command -v qemu-aarch64 || command -v qemu-aarch64-static || true)
if [ -z "$qemu" ]; then
	echo "test-arm64: skipped: qemu-aarch64 not found (apt-get install qemu-user)"
	exit 0
fi
patterns=()
for p in ${ARM64_PKGS:-./storage/... ./codec/... ./sql/... ./simd/... ./quantum/...}; do
	# Issues still to come add simd and quantum: skip the missing ones.
	[ -d "${p%/...}" ] && patterns+=("$p")
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
start=$(date +%s)
failed=()
for pkg in $(go list "${patterns[@]}"); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	name=$(echo "${pkg#github.com/neuroquantumdb/nqdb/}" | tr / _)
	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go test -c -o "$out/$name.test" "$pkg"
	[ -f "$out/$name.test" ] || { echo "--- $pkg: no test files"; continue; }
	t0=$(date +%s)
	if (cd "$dir" && "$qemu" "$out/$name.test" -test.short -test.count=1 -test.timeout 10m "$@" >"$out/$name.log" 2>&1); then
		echo "ok   $pkg (arm64 under qemu, $(($(date +%s) - t0))s)"
	else
		echo "FAIL $pkg (arm64 under qemu)"
		tail -40 "$out/$name.log"
		failed+=("$pkg")
	fi
done
echo "test-arm64: ${#patterns[@]} patterns, $(($(date +%s) - start))s in all"
if [ ${#failed[@]} -gt 0 ]; then
	echo "test-arm64: failed: ${failed[*]}"
	exit 1
fi
