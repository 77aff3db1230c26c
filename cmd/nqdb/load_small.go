//go:build nqdb_small

package main

import (
	"context"
	"fmt"
	"io"
)

// runLoad stands in for the load tester in the size-optimised build (make
// optimize-size, tag nqdb_small): the load tester and pgx, its client,
// are a quarter of the binary and a database server on a small board does
// not need them.
func runLoad(_ context.Context, _ []string, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "nqdb load: not in this build (built with -tags nqdb_small); use a full build")
	return 2
}
