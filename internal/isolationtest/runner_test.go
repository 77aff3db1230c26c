package isolationtest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

const (
	// blockedAfter is how long a step may take before it counts as
	// blocked on a lock (PostgreSQL's tester asks pg_locks instead; nqdb
	// has no such view, so both sides are timed the same way).
	blockedAfter = 1000 * time.Millisecond
	// releaseGrace is how long a blocked step gets to finish after another
	// step ran, before it is recorded as still waiting.
	releaseGrace = 300 * time.Millisecond
	// stepTimeout bounds any single step: a step still waiting this long
	// is a hang (a lost wake-up), not a lock wait.
	stepTimeout = 10 * time.Second
)

// target is one server under test.
type target struct {
	name string // "postgres" or "nqdb"
	dsn  string
	pg   bool // run the sessions' pgsetup lines
}

// stepRec is what one step of a permutation did.
type stepRec struct {
	name    string
	session string
	blocked bool
	after   string // for a blocked step: the step after which it completed
	result  string // command tags and rows, or "ERROR <sqlstate>"
	state   string // SQLSTATE of the error, "" on success
	message string // the error's message, shown in diffs only
}

// String renders the record the way failures print it.
func (r stepRec) String() string {
	var b strings.Builder
	b.WriteString(r.name)
	if r.blocked {
		b.WriteString(" [blocked, done after " + r.after + "]")
	}
	b.WriteString(": " + r.result)
	return b.String()
}

// running is a step sent to its session and not yet collected.
type running struct {
	idx  int
	done chan stepOutcome
}

type stepOutcome struct {
	result, state, message string
}

// exec runs sql on conn with the simple protocol and renders the outcome:
// each statement's command tag followed by its rows (values separated by
// "|", NULL as NULL), or the error's SQLSTATE.
func exec(ctx context.Context, conn *pgconn.PgConn, sql string) stepOutcome {
	results, err := conn.Exec(ctx, sql).ReadAll()
	var b strings.Builder
	for _, r := range results {
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString(r.CommandTag.String())
		for _, row := range r.Rows {
			b.WriteString(" (")
			for i, v := range row {
				if i > 0 {
					b.WriteByte('|')
				}
				if v == nil {
					b.WriteString("NULL")
				} else {
					b.Write(v)
				}
			}
			b.WriteByte(')')
		}
	}
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) {
			// The error ends the step: what ran before it in the same
			// step is part of the record too.
			if b.Len() > 0 {
				b.WriteString("; ")
			}
			b.WriteString("ERROR " + pe.Code)
			return stepOutcome{result: b.String(), state: pe.Code, message: pe.Message}
		}
		return stepOutcome{result: "FAILED " + err.Error(), state: "connection", message: err.Error()}
	}
	return stepOutcome{result: b.String()}
}

// runPermutation runs one permutation of sp at level against tg and
// returns one record per step, in permutation order.
func runPermutation(ctx context.Context, tg target, sp *spec, level string, perm []string) ([]stepRec, error) {
	iso := func(sql string) string { return strings.ReplaceAll(sql, "{ISO}", strings.ToUpper(level)) }
	admin, err := pgconn.Connect(ctx, tg.dsn)
	if err != nil {
		return nil, err
	}
	defer admin.Close(context.Background())
	for _, q := range sp.setup {
		if o := exec(ctx, admin, iso(q)); o.state != "" {
			return nil, fmt.Errorf("%s: setup %q: %s %s", tg.name, q, o.state, o.message)
		}
	}
	defer func() {
		for _, q := range sp.teardown {
			exec(ctx, admin, iso(q))
		}
	}()

	conns := make([]*pgconn.PgConn, len(sp.sessions))
	pending := make([]*running, len(sp.sessions))
	defer func() {
		// Collect what still runs (bounded by stepTimeout) before closing,
		// so no goroutine uses a closed connection; closing rolls back.
		for _, r := range pending {
			if r != nil {
				<-r.done
			}
		}
		for _, c := range conns {
			if c != nil {
				c.Close(context.Background())
			}
		}
	}()
	for i, se := range sp.sessions {
		if conns[i], err = pgconn.Connect(ctx, tg.dsn); err != nil {
			return nil, err
		}
		qs := se.setup
		if tg.pg {
			qs = append(append([]string(nil), se.pgsetup...), se.setup...)
		}
		for _, q := range qs {
			if o := exec(ctx, conns[i], iso(q)); o.state != "" {
				return nil, fmt.Errorf("%s: session %s setup %q: %s %s", tg.name, se.name, q, o.state, o.message)
			}
		}
	}

	recs := make([]stepRec, len(perm))
	finish := func(r *running, o stepOutcome) {
		recs[r.idx].result, recs[r.idx].state, recs[r.idx].message = o.result, o.state, o.message
	}
	for i, name := range perm {
		st := sp.steps[name]
		si := st.session.index
		recs[i] = stepRec{name: name, session: st.session.name}
		// A session still busy with a blocked step must finish it first
		// (PostgreSQL's tester waits the same way).
		if r := pending[si]; r != nil {
			select {
			case o := <-r.done:
				finish(r, o)
				recs[r.idx].after = perm[i-1]
			case <-time.After(stepTimeout):
				return recs, fmt.Errorf("%s: step %s still waiting after %v (hang?)", tg.name, recs[r.idx].name, stepTimeout)
			}
			pending[si] = nil
		}
		r := &running{idx: i, done: make(chan stepOutcome, 1)}
		go func(conn *pgconn.PgConn, sql string) {
			sctx, cancel := context.WithTimeout(ctx, stepTimeout)
			defer cancel()
			r.done <- exec(sctx, conn, sql)
		}(conns[si], iso(st.sql))
	wait:
		for {
			select {
			case o := <-r.done:
				finish(r, o)
				break wait
			case <-time.After(blockedAfter):
				// On PostgreSQL a slow step (a loaded machine's fsync) is
				// told from a lock wait by pg_stat_activity: only a real
				// wait counts as blocked. nqdb has no such view.
				if tg.pg && !pgLockWait(ctx, tg.dsn, conns[si].PID()) {
					continue
				}
				recs[i].blocked = true
				pending[si] = r
				break wait
			}
		}
		// Steps blocked earlier may have been released by this one.
		deadline := time.After(releaseGrace)
		for j, p := range pending {
			if p == nil || p.idx == i {
				continue
			}
			select {
			case o := <-p.done:
				finish(p, o)
				recs[p.idx].after = name
				pending[j] = nil
			case <-deadline:
				// Grace used up: check the rest without waiting.
				deadline = closedChan
			}
		}
	}
	for j, p := range pending {
		if p == nil {
			continue
		}
		select {
		case o := <-p.done:
			finish(p, o)
			recs[p.idx].after = "end"
			pending[j] = nil
		case <-time.After(stepTimeout):
			return recs, fmt.Errorf("%s: step %s still waiting at the end of the permutation", tg.name, recs[p.idx].name)
		}
	}
	return recs, nil
}

var closedChan = func() <-chan time.Time {
	c := make(chan time.Time)
	close(c)
	return c
}()

// compare reports how nqdb's record differs from PostgreSQL's, or "" when
// it passes. At SERIALIZABLE nqdb may fail more, or later, with 40001 (see
// the package comment): the records must then agree up to the first 40001
// of either side, and every session PostgreSQL failed with 40001 must have
// failed with 40001 in nqdb too (at any step: a failure at COMMIT still
// keeps the anomaly out).
func compare(level string, pg, ours []stepRec) string {
	if len(pg) != len(ours) {
		return fmt.Sprintf("record lengths differ: %d vs %d", len(pg), len(ours))
	}
	first, first40001 := -1, len(pg)
	for i := range pg {
		if first < 0 && pg[i].String() != ours[i].String() {
			first = i
		}
		if first40001 == len(pg) && (pg[i].state == "40001" || ours[i].state == "40001") {
			first40001 = i
		}
	}
	if first < 0 {
		return ""
	}
	if level != "serializable" || first < first40001 {
		return fmt.Sprintf("step %d (%s) differs", first+1, pg[first].name)
	}
	failed := map[string]bool{}
	for i := range ours {
		if ours[i].state == "40001" {
			failed[ours[i].session] = true
		}
	}
	for i := range pg {
		if pg[i].state == "40001" && !failed[pg[i].session] {
			return fmt.Sprintf("step %d (%s): PostgreSQL raised 40001, nqdb let session %s through", i+1, pg[i].name, pg[i].session)
		}
	}
	return ""
}

// extra40001 reports whether nqdb raised a 40001 PostgreSQL did not (the
// tolerated difference), for the test log.
func extra40001(pg, ours []stepRec) bool {
	for i := range pg {
		if ours[i].state == "40001" && pg[i].state != "40001" {
			return true
		}
	}
	return false
}

// render prints a record side by side with PostgreSQL's.
func render(pg, ours []stepRec) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-60s | %s\n", "PostgreSQL", "nqdb")
	for i := range pg {
		var o stepRec
		if i < len(ours) {
			o = ours[i]
		}
		mark := " "
		if pg[i].String() != o.String() {
			mark = "*"
		}
		fmt.Fprintf(&b, "%s %-58s | %s", mark, pg[i].String(), o.String())
		if o.message != "" && o.state != pg[i].state {
			fmt.Fprintf(&b, "  (%s)", o.message)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// pgLockWait reports whether PostgreSQL backend pid is waiting for a lock
// (or when that cannot be asked, true: the timing decides as before).
func pgLockWait(ctx context.Context, dsn string, pid uint32) bool {
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	c, err := pgconn.Connect(cctx, dsn)
	if err != nil {
		return true
	}
	defer c.Close(context.Background())
	res := c.ExecParams(cctx, "SELECT coalesce(wait_event_type, '') FROM pg_stat_activity WHERE pid = $1",
		[][]byte{[]byte(fmt.Sprint(pid))}, nil, nil, nil).Read()
	if res.Err != nil || len(res.Rows) != 1 {
		return true
	}
	return string(res.Rows[0][0]) == "Lock"
}
