package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"strings"
)

// memoryHeadroom is what --memory-limit auto allows above the buffer pool:
// sessions, plans, WAL buffers and the runtime's own structures. Measured
// under 50 pgbench clients with a 32 MiB pool the Go heap in use stays near
// 50 MiB (the pool's 33 MiB plus about 17), so 40 MiB leaves room without
// letting the heap double before a collection as GOGC=100 alone does
// (which took RSS from 89 to 108 MiB in the same run). Larger pools get as
// much again as the pool: queries build hash tables and sorts in memory,
// and a limit just above the pool made the collector run without pause
// (TPC-H at scale 0.1 with a 1 GiB pool ran about 3x slower).
const memoryHeadroom = 40 << 20

// memoryLimit turns --memory-limit into the Go runtime's soft memory limit
// in bytes: "auto" is the buffer pool plus the larger of memoryHeadroom
// and the pool itself, "off" (or 0)
// none, anything else a size. ok is false when no limit is to be set.
func memoryLimit(flag string, pool int64) (limit int64, ok bool, err error) {
	switch strings.ToLower(strings.TrimSpace(flag)) {
	case "auto", "":
		return pool + max(memoryHeadroom, pool), true, nil
	case "off", "0", "none":
		return 0, false, nil
	}
	n, err := parseSize(flag)
	if err != nil {
		return 0, false, fmt.Errorf("--memory-limit: %w", err)
	}
	return n, true, nil
}

// applyMemoryLimit sets the runtime's soft limit unless GOMEMLIMIT, which
// the runtime has already applied, is set: the environment variable is
// how Go programs are usually tuned in containers, so it wins.
func applyMemoryLimit(flag string, pool int64) (int64, error) {
	limit, ok, err := memoryLimit(flag, pool)
	if err != nil || !ok || os.Getenv("GOMEMLIMIT") != "" {
		return 0, err
	}
	debug.SetMemoryLimit(limit)
	return limit, nil
}
