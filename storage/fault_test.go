package storage_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/neuroquantumdb/nqdb/storage"
	"github.com/neuroquantumdb/nqdb/storage/vfs"
)

// faults injects one error: ENOSPC on the target-th write or EIO on the
// target-th sync (counted over all files), and, when sticky, fails every
// write and sync after it as a dead disk would.
type faults struct {
	op     vfs.Op
	err    error
	target int64
	sticky bool
	n      atomic.Int64
	fired  atomic.Bool
}

func (f *faults) inject(op vfs.Op, _ string) error {
	if op != vfs.OpWrite && op != vfs.OpSync {
		return nil
	}
	if f.fired.Load() {
		if f.sticky {
			return f.err
		}
		return nil
	}
	if op == f.op && f.n.Add(1) == f.target {
		f.fired.Store(true)
		return f.err
	}
	return nil
}

// TestFaultInjection runs commits and checkpoints over a file system that
// fails one write with ENOSPC or one sync with EIO at a random point. The
// failing operation must surface as an error wrapping the cause, the
// engine must refuse writes from then on, and after a power loss every
// commit that returned nil must come back.
func TestFaultInjection(t *testing.T) {
	runs := 40
	if testing.Short() {
		runs = 15
	}
	if longRun() {
		runs = 400
	}
	for seed := range runs {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { runFaults(t, int64(seed)) })
	}
}

func runFaults(t *testing.T, seed int64) {
	rng := rand.New(rand.NewSource(seed))
	ctx := context.Background()
	mem := vfs.NewMem()
	f := &faults{op: vfs.OpWrite, err: syscall.ENOSPC, sticky: rng.Intn(2) == 0}
	if rng.Intn(2) == 0 {
		f.op, f.err = vfs.OpSync, syscall.EIO
	}
	f.target = 1 + rng.Int63n(400)
	opts := smallOpts(vfs.WithErrors(mem, f.inject))
	e, err := storage.Open(opts)
	if err != nil {
		if !f.fired.Load() || !errors.Is(err, f.err) {
			t.Fatalf("Open: %v (fault fired %v)", err, f.fired.Load())
		}
		return
	}
	committed := map[string]string{}
	var inflight map[string]string // writes of the commit that failed
	failedAt := -1
	for n := 0; n < 400 && failedAt < 0; n++ {
		tx := e.Begin(storage.ReadCommitted)
		w := map[string]string{}
		for range 1 + rng.Intn(20) {
			k, v := randKey(rng, 300), randVal(rng)
			if err := tx.Put(storage.CatalogTree, []byte(k), []byte(v)); err != nil {
				t.Fatal(err)
			}
			w[k] = v
		}
		err := tx.Commit(ctx)
		if err == nil {
			maps.Copy(committed, w)
		} else {
			if !f.fired.Load() {
				t.Fatalf("txn %d: Commit failed with no fault injected: %v", n, err)
			}
			if !errors.Is(err, f.err) {
				t.Fatalf("txn %d: Commit error %v does not wrap the injected %v", n, err, f.err)
			}
			inflight, failedAt = w, n
		}
		if failedAt < 0 && rng.Intn(15) == 0 {
			if err := e.Checkpoint(); err != nil {
				if !f.fired.Load() || !errors.Is(err, f.err) {
					t.Fatalf("Checkpoint: %v (fault fired %v)", err, f.fired.Load())
				}
				failedAt = n
			}
		}
	}
	if failedAt >= 0 {
		// The engine refuses writes now, with the cause attached.
		tx := e.Begin(storage.ReadCommitted)
		tx.Put(storage.CatalogTree, []byte("after"), []byte("x"))
		err := tx.Commit(ctx)
		if !errors.Is(err, storage.ErrBroken) || !errors.Is(err, f.err) {
			t.Fatalf("Commit after a failure: %v, want ErrBroken wrapping %v", err, f.err)
		}
		if _, err := tx.CreateTree(); !errors.Is(err, storage.ErrTxnDone) {
			t.Fatalf("CreateTree on ended txn: %v", err)
		}
		tx = e.Begin(storage.ReadCommitted)
		if _, err := tx.CreateTree(); !errors.Is(err, storage.ErrBroken) {
			t.Fatalf("CreateTree after a failure: %v, want ErrBroken", err)
		}
		tx.Rollback()
		if err := e.Checkpoint(); !errors.Is(err, storage.ErrBroken) {
			t.Fatalf("Checkpoint after a failure: %v, want ErrBroken", err)
		}
	}
	t.Logf("fault %v at op %d: fired %v, failed at txn %d", f.err, f.target, f.fired.Load(), failedAt)
	crashed := mem.Crash(rng)
	e.Close()
	e, err = storage.Open(smallOpts(crashed))
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer e.Close()
	if err := e.Check(); err != nil {
		t.Fatal(err)
	}
	d := diffState(t, e, state{storage.CatalogTree: committed}, nil)
	if d != "" && inflight != nil {
		with := maps.Clone(committed)
		maps.Copy(with, inflight)
		if d2 := diffState(t, e, state{storage.CatalogTree: with}, nil); d2 == "" {
			d = ""
		}
	}
	if d != "" {
		t.Fatalf("after recovery (fault %v at op %d, fired %v, failed at txn %d): %s", f.err, f.target, f.fired.Load(), failedAt, d)
	}
}
