package lock

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The scenario files in testdata/ script one Manager each, step by step:
//
//	scenario NAME
//	lock T KEY S|X [nowait|skip] => ok|blocks|notavailable|skip|deadlock|canceled
//	done T => RESULT          the result of T's blocked lock (waits for it)
//	cancel T                  cancels the context of T's blocked lock
//	release T                 ReleaseAll(T)
//	holders KEY => T...|-     Holders, in order
//	waiters KEY => T...|-     Waiters, in queue order
//	mode T KEY => S|X|-       HolderMode
//	detail => LINE | LINE     Detail() of the last deadlock error, lines split on " | "
//	stats => acquired=N waited=N deadlocks=N
//
// Every lock runs in its own goroutine; "blocks" means the request passed
// deadlock detection and went to sleep. After each step the manager's
// invariants are checked, and at the end every transaction is released and
// the manager must be empty.

type pending struct {
	cancel context.CancelFunc
	res    chan error
}

type scenario struct {
	t        *testing.T
	m        *Manager
	asleep   chan TxnID
	pend     map[TxnID]*pending
	lastDead *DeadlockError
	txns     map[TxnID]bool
}

func TestScenarios(t *testing.T) {
	f, err := os.Open("testdata/scenarios.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type block struct {
		name  string
		lines []string
		line0 int
	}
	var blocks []*block
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if name, ok := strings.CutPrefix(line, "scenario "); ok {
			blocks = append(blocks, &block{name: name, line0: n})
			continue
		}
		if len(blocks) == 0 {
			t.Fatalf("line %d: step before the first scenario", n)
		}
		b := blocks[len(blocks)-1]
		b.lines = append(b.lines, fmt.Sprintf("%d\x00%s", n, line))
	}
	if len(blocks) < 10 {
		t.Fatalf("only %d scenarios read", len(blocks))
	}
	for _, b := range blocks {
		t.Run(b.name, func(t *testing.T) {
			s := &scenario{t: t, m: NewManager(), asleep: make(chan TxnID, 16), pend: map[TxnID]*pending{}, txns: map[TxnID]bool{}}
			s.m.testHookWait = func(txn TxnID) { s.asleep <- txn }
			for _, l := range b.lines {
				no, step, _ := strings.Cut(l, "\x00")
				s.step(no, step)
				if err := s.m.checkInvariants(); err != nil {
					t.Fatalf("line %s: after %q: %v", no, step, err)
				}
			}
			s.finish()
		})
	}
}

func (s *scenario) fail(no, step, format string, args ...any) {
	s.t.Helper()
	s.t.Fatalf("line %s: %s: %s", no, step, fmt.Sprintf(format, args...))
}

func parseTxn(s string) TxnID {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		panic(err)
	}
	return TxnID(n)
}

func listOf(ids []TxnID) string {
	if len(ids) == 0 {
		return "-"
	}
	var b []string
	for _, id := range ids {
		b = append(b, strconv.FormatUint(uint64(id), 10))
	}
	return strings.Join(b, " ")
}

func resultName(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, ErrDeadlock):
		return "deadlock"
	case errors.Is(err, ErrNotAvailable):
		return "notavailable"
	case errors.Is(err, ErrSkip):
		return "skip"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	return "error " + err.Error()
}

func (s *scenario) step(no, step string) {
	s.t.Helper()
	lhs, want, _ := strings.Cut(step, " => ")
	f := strings.Fields(lhs)
	switch f[0] {
	case "lock":
		txn := parseTxn(f[1])
		s.txns[txn] = true
		mode := map[string]Mode{"S": Shared, "X": Exclusive}[f[3]]
		w := Block
		if len(f) > 4 {
			w = map[string]Wait{"nowait": NoWait, "skip": SkipLocked}[f[4]]
		}
		ctx, cancel := context.WithCancel(context.Background())
		p := &pending{cancel: cancel, res: make(chan error, 1)}
		go func() { p.res <- s.m.Lock(ctx, txn, f[2], mode, w) }()
		select {
		case err := <-p.res:
			cancel()
			s.record(err)
			if got := resultName(err); got != want {
				s.fail(no, step, "got %s, want %s", got, want)
			}
		case got := <-s.asleep:
			if got != txn {
				s.fail(no, step, "txn %d went to sleep", got)
			}
			if want != "blocks" {
				s.fail(no, step, "blocks, want %s", want)
			}
			s.pend[txn] = p
		case <-time.After(5 * time.Second):
			s.fail(no, step, "neither returned nor slept")
		}
	case "done":
		txn := parseTxn(f[1])
		p := s.pend[txn]
		if p == nil {
			s.fail(no, step, "txn %d has no blocked lock", txn)
		}
		select {
		case err := <-p.res:
			p.cancel()
			delete(s.pend, txn)
			s.record(err)
			if got := resultName(err); got != want {
				s.fail(no, step, "got %s, want %s", got, want)
			}
		case <-time.After(5 * time.Second):
			s.fail(no, step, "still blocked")
		}
	case "cancel":
		p := s.pend[parseTxn(f[1])]
		if p == nil {
			s.fail(no, step, "nothing to cancel")
		}
		p.cancel()
	case "release":
		s.m.ReleaseAll(parseTxn(f[1]))
	case "holders":
		if got := listOf(s.m.Holders(f[1])); got != want {
			s.fail(no, step, "got %s", got)
		}
	case "waiters":
		if got := listOf(s.m.Waiters(f[1])); got != want {
			s.fail(no, step, "got %s", got)
		}
	case "mode":
		got := map[Mode]string{0: "-", Shared: "S", Exclusive: "X"}[s.m.HolderMode(parseTxn(f[1]), f[2])]
		if got != want {
			s.fail(no, step, "got %s", got)
		}
	case "detail":
		if s.lastDead == nil {
			s.fail(no, step, "no deadlock error yet")
		}
		if got := strings.ReplaceAll(s.lastDead.Detail(), "\n", " | "); got != want {
			s.fail(no, step, "got %q", got)
		}
	case "stats":
		st := s.m.Stats()
		got := fmt.Sprintf("acquired=%d waited=%d deadlocks=%d", st.Acquired, st.Waited, st.Deadlocks)
		if got != want {
			s.fail(no, step, "got %s", got)
		}
	default:
		s.fail(no, step, "unknown step")
	}
}

func (s *scenario) record(err error) {
	var de *DeadlockError
	if errors.As(err, &de) {
		s.lastDead = de
	}
}

// finish cancels what still waits, releases everything and checks that the
// manager forgot it all.
func (s *scenario) finish() {
	for txn, p := range s.pend {
		p.cancel()
		if err := <-p.res; err != nil && !errors.Is(err, context.Canceled) {
			s.t.Errorf("txn %d: left blocked, ended with %v", txn, err)
		}
	}
	for txn := range s.txns {
		s.m.ReleaseAll(txn)
	}
	if err := s.m.isEmpty(); err != nil {
		s.t.Error(err)
	}
}
