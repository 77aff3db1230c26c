package lock

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"testing"
)

func TestErrorsAndModes(t *testing.T) {
	var err error = &DeadlockError{Cycle: []WaitEdge{{Waiter: 1, Blocker: 2}, {Waiter: 2, Blocker: 1}}}
	if !errors.Is(err, ErrDeadlock) || errors.Is(err, ErrNotAvailable) {
		t.Error("DeadlockError must match ErrDeadlock only")
	}
	if !errors.Is(fmt.Errorf("wrapped: %w", err), ErrDeadlock) {
		t.Error("wrapped DeadlockError must match ErrDeadlock")
	}
	for _, tc := range []struct {
		m    Mode
		want string
	}{{Shared, "Shared"}, {Exclusive, "Exclusive"}, {0, "Mode(0)"}, {7, "Mode(7)"}} {
		if got := tc.m.String(); got != tc.want {
			t.Errorf("%d.String() = %q, want %q", tc.m, got, tc.want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("Lock with mode 0 did not panic")
		}
	}()
	_ = NewManager().Lock(context.Background(), 1, "k", 0, Block)
}

// A Block request whose context is already done must not queue.
func TestLockCancelledContext(t *testing.T) {
	m := NewManager()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := m.Lock(ctx, 1, "k", Exclusive, Block); err != nil {
		t.Fatalf("a free lock is granted even under a done context: %v", err)
	}
	if err := m.Lock(ctx, 2, "k", Shared, Block); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if w := m.Waiters("k"); w != nil {
		t.Fatalf("waiters %v", w)
	}
	if st := m.Stats(); st.Waited != 0 {
		t.Fatalf("%+v", st)
	}
	m.ReleaseAll(1)
	m.ReleaseAll(2)
	m.ReleaseAll(3) // never seen: a no-op
	if err := m.isEmpty(); err != nil {
		t.Fatal(err)
	}
}

// verifyCycle is what the stress tests trust to catch false deadlocks, so
// check that it rejects a cycle that does not exist.
func TestVerifyCycleRejects(t *testing.T) {
	m := NewManager()
	ctx := context.Background()
	asleep := make(chan TxnID, 1)
	m.testHookWait = func(txn TxnID) { asleep <- txn }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(m.Lock(ctx, 1, "a", Exclusive, Block))
	must(m.Lock(ctx, 2, "b", Exclusive, Block))
	done := make(chan error, 1)
	go func() { done <- m.Lock(ctx, 1, "b", Exclusive, Block) }()
	<-asleep
	real := []WaitEdge{{Waiter: 1, Blocker: 2, Key: "b", Mode: Exclusive}}
	for _, tc := range []struct {
		name  string
		cycle []WaitEdge
		ok    bool
	}{
		// 2 is not waiting for a.
		{"missing-wait", append(real, WaitEdge{Waiter: 2, Blocker: 1, Key: "a", Mode: Exclusive}), false},
		// 1 does not block 2 on b (2 holds b).
		{"wrong-blocker", []WaitEdge{{Waiter: 1, Blocker: 2, Key: "b"}, {Waiter: 2, Blocker: 1, Key: "b"}}, false},
		{"not-chained", []WaitEdge{{Waiter: 1, Blocker: 2, Key: "b"}, {Waiter: 3, Blocker: 1, Key: "a"}}, false},
		// A victim no longer queued is skipped, not an error.
		{"victim-gone", []WaitEdge{{Waiter: 2, Blocker: 1, Key: "a"}, {Waiter: 1, Blocker: 2, Key: "b"}}, true},
	} {
		m.detMu.Lock()
		err := m.verifyCycle(tc.cycle)
		m.detMu.Unlock()
		if (err == nil) != tc.ok {
			t.Errorf("%s: verifyCycle = %v", tc.name, err)
		}
	}
	m.ReleaseAll(2)
	must(<-done)
	m.ReleaseAll(1)
}

// TestReleaseAfter: locks taken after a mark are released (and their
// waiters granted); those held before it, upgraded or not, stay.
func TestReleaseAfter(t *testing.T) {
	m := NewManager()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(m.Lock(ctx, 1, "before", Exclusive, Block))
	must(m.Lock(ctx, 1, "upgraded", Shared, Block))
	mark := m.Mark(1)
	if mark != 2 {
		t.Fatalf("Mark = %d, want 2", mark)
	}
	must(m.Lock(ctx, 1, "after", Exclusive, Block))
	must(m.Lock(ctx, 1, "upgraded", Exclusive, Block))
	must(m.Lock(ctx, 1, "before", Exclusive, Block)) // re-entrant: not a new lock
	granted := make(chan error, 1)
	go func() { granted <- m.Lock(ctx, 2, "after", Exclusive, Block) }()
	for len(m.Waiters("after")) == 0 {
		runtime.Gosched()
	}
	m.ReleaseAfter(1, mark)
	if err := <-granted; err != nil {
		t.Fatalf("waiter on a released lock: %v", err)
	}
	for key, want := range map[string]Mode{"before": Exclusive, "upgraded": Exclusive, "after": 0} {
		if got := m.HolderMode(1, key); got != want {
			t.Errorf("after ReleaseAfter txn 1 holds %q in %v, want %v", key, got, want)
		}
	}
	if got := m.Mark(1); got != 2 {
		t.Errorf("Mark after ReleaseAfter = %d, want 2", got)
	}
	m.ReleaseAfter(1, 5) // past the end: nothing to do
	m.ReleaseAll(1)
	m.ReleaseAll(2)
	for _, key := range []string{"before", "upgraded", "after"} {
		if h := m.Holders(key); len(h) != 0 {
			t.Errorf("%q still held by %v", key, h)
		}
	}
}

// TestList checks what pg_locks reads: holders and waiters, with the
// holders that block each waiter.
func TestList(t *testing.T) {
	m := NewManager()
	ctx := context.Background()
	if err := m.Lock(ctx, 1, "a", Shared, Block); err != nil {
		t.Fatal(err)
	}
	if err := m.Lock(ctx, 2, "a", Shared, Block); err != nil {
		t.Fatal(err)
	}
	if err := m.Lock(ctx, 1, "b", Exclusive, Block); err != nil {
		t.Fatal(err)
	}
	waiting := make(chan struct{})
	m.testHookWait = func(TxnID) { close(waiting) }
	done := make(chan error, 1)
	go func() { done <- m.Lock(ctx, 3, "a", Exclusive, Block) }()
	<-waiting
	got := m.List()
	want := []Entry{
		{Key: "a", Txn: 1, Mode: Shared, Granted: true},
		{Key: "a", Txn: 2, Mode: Shared, Granted: true},
		{Key: "a", Txn: 3, Mode: Exclusive, Blockers: []TxnID{1, 2}},
		{Key: "b", Txn: 1, Mode: Exclusive, Granted: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("List() = %+v\nwant %+v", got, want)
	}
	m.ReleaseAll(1)
	m.ReleaseAll(2)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := m.List(); !reflect.DeepEqual(got, []Entry{{Key: "a", Txn: 3, Mode: Exclusive, Granted: true}}) {
		t.Fatalf("after release: %+v", got)
	}
}
