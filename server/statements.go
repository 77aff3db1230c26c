package server

import (
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/neuroquantumdb/nqdb/executor"
	"github.com/neuroquantumdb/nqdb/sql/parser"
)

// Per-statement accounting, after each statement of either protocol:
// the duration histograms (by kind), pg_stat_statements, the slow-query
// log (log_min_duration_statement, as PostgreSQL's "duration: ... ms
// statement: ..." line) and, at debug level, every statement.

// statementKinds are the kinds the duration histogram tells apart, by
// first keyword.
var statementKinds = map[string]string{
	"select": "select", "with": "select", "values": "select", "table": "select",
	"insert": "insert", "update": "update", "delete": "delete", "merge": "update",
	"copy": "copy", "create": "ddl", "alter": "ddl", "drop": "ddl", "truncate": "ddl", "comment": "ddl",
	"begin": "transaction", "start": "transaction", "commit": "transaction", "end": "transaction",
	"rollback": "transaction", "abort": "transaction", "savepoint": "transaction", "release": "transaction",
}

// statementKind is the histogram label of stmt.
func statementKind(stmt *parser.Statement) string {
	w := stmt.Text
	if i := strings.IndexAny(w, " \t\n\r("); i >= 0 {
		w = w[:i]
	}
	if k, ok := statementKinds[strings.ToLower(w)]; ok {
		return k
	}
	return "utility"
}

// statementDone accounts for one statement that started at start and
// returned or affected rows, or failed.
func (c *conn) statementDone(p *executor.Prepared, stmt *parser.Statement, start time.Time, rows int64, failed bool) {
	d := time.Since(start)
	c.sess.StatementEnded()
	c.srv.Metrics.observeStatement(statementKind(stmt), d)
	if !failed {
		c.sess.RecordStatement(p, d, rows)
	}
	if min, ok := c.sess.SlowStatementThreshold(); ok && d >= min {
		c.srv.Metrics.slow.Inc()
		c.srv.log.Info("duration: "+formatMs(d)+" ms  statement: "+stmt.Text,
			zap.Int32("pid", c.sess.BackendPID()), zap.String("user", c.sess.User()))
	} else if ce := c.srv.log.Check(zap.DebugLevel, "statement"); ce != nil {
		ce.Write(zap.String("statement", stmt.Text), zap.Duration("duration", d), zap.Int64("rows", rows),
			zap.Int32("pid", c.sess.BackendPID()), zap.Bool("failed", failed))
	}
}

// formatMs prints a duration in milliseconds with PostgreSQL's three
// decimals.
func formatMs(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 3, 64) }
