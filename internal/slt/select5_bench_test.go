package slt

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/neuroquantumdb/nqdb/internal/pgoracle"
	"github.com/neuroquantumdb/nqdb/internal/testserver"
	"github.com/neuroquantumdb/nqdb/server"
)

// BenchmarkSelect5 runs sqllogictest's select5.test (joins of 4 to 64
// tables: what the join orderer and the planner's time for big joins
// meet) end to end on a fresh nqdb and on a fresh PostgreSQL 15 database,
// one whole file per iteration, for issue 6's "no slower than on
// PostgreSQL". It measures; it asserts no time (the records must pass on
// both, as TestNqdb and TestPostgres require):
//
//	go test -run '^$' -bench Select5 -benchtime 1x ./internal/slt
//
// Each sub-benchmark reports ms/file. NQDB_SLT_FILES does not apply;
// BenchmarkSelect5 always runs select5.test.
func BenchmarkSelect5(b *testing.B) {
	dir, err := FindCorpus(".")
	if err != nil {
		b.Skip(err)
	}
	path := filepath.Join(dir, "select5.test")
	ctx := context.Background()
	run := func(b *testing.B, connect func(i int) (*pgconn.PgConn, func())) {
		var total time.Duration
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			conn, done := connect(i)
			b.StartTimer()
			start := time.Now()
			res, err := RunFile(ctx, conn, path, "select5.test", Options{Timeout: time.Minute})
			total += time.Since(start)
			b.StopTimer()
			done()
			if err != nil {
				b.Fatal(err)
			}
			if res.Failed > 0 {
				b.Fatalf("%s: %v", res.Summary(), res.Failures[0])
			}
			b.StartTimer()
		}
		b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/file")
	}
	b.Run("nqdb", func(b *testing.B) {
		run(b, func(int) (*pgconn.PgConn, func()) {
			_, addr := testserver.Start(b, server.Config{})
			conn, err := Connect(ctx, fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable", addr))
			if err != nil {
				b.Fatal(err)
			}
			return conn, func() { conn.Close(ctx) }
		})
	})
	b.Run("postgres", func(b *testing.B) {
		pg := pgoracle.Shared(b)
		run(b, func(i int) (*pgconn.PgConn, func()) {
			return postgresDB(b, pg, fmt.Sprintf("slt_bench5_%d", i))
		})
	})
}
