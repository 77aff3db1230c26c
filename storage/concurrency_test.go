package storage_test

import (
	"context"
	"fmt"
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/neuroquantumdb/nqdb/storage"
	"github.com/neuroquantumdb/nqdb/storage/vfs"
)

// TestConcurrentTransfers moves money between accounts from 8 goroutines
// with READ COMMITTED read-modify-writes (LockRow gives the newest value,
// so no retries are needed), while readers check that every snapshot
// sees the same total. Run it with -race.
func TestConcurrentTransfers(t *testing.T) {
	const (
		accounts = 16
		initial  = 1000
		workers  = 8
	)
	perWorker := 300
	if testing.Short() {
		perWorker = 100
	}
	if longRun() {
		perWorker = 3000
	}
	opts := smallOpts(vfs.NewMem())
	e, err := storage.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	const c = storage.CatalogTree
	acct := func(i int) []byte { return []byte(fmt.Sprintf("acct%03d", i)) }
	init := map[string]string{}
	for i := range accounts {
		init[string(acct(i))] = strconv.Itoa(initial)
	}
	commitKV(t, e, c, init)

	var stop atomic.Bool
	var wg, rwg sync.WaitGroup
	errs := make(chan error, workers+4)
	for r := range 3 {
		rwg.Add(1)
		go func() {
			defer rwg.Done()
			iso := storage.Isolation(r % 2)
			tx := e.Begin(iso)
			defer func() { tx.Rollback() }()
			for n := 0; !stop.Load(); n++ {
				if iso == storage.ReadCommitted {
					tx.NewSnapshot()
				} else if n%5 == 0 {
					tx.Rollback()
					tx = e.Begin(iso)
				}
				it, err := tx.Scan(ctx, c, nil, nil)
				if err != nil {
					errs <- err
					return
				}
				sum, rows := 0, 0
				for it.Next() {
					v, _ := strconv.Atoi(string(it.Value()))
					sum += v
					rows++
				}
				it.Close()
				if err := it.Err(); err != nil {
					errs <- err
					return
				}
				if sum != accounts*initial || rows != accounts {
					errs <- fmt.Errorf("reader saw total %d in %d rows, want %d in %d", sum, rows, accounts*initial, accounts)
					return
				}
			}
		}()
	}
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewSource(int64(w)))
			for range perWorker {
				a, b := rng.Intn(accounts), rng.Intn(accounts-1)
				if b >= a {
					b++
				}
				if a > b { // lock in key order: no deadlocks, so no retries
					a, b = b, a
				}
				amt := rng.Intn(100) - 50
				tx := e.Begin(storage.ReadCommitted)
				tx.SyncCommit = rng.Intn(2) == 0
				for _, x := range []struct {
					i     int
					delta int
				}{{a, -amt}, {b, amt}} {
					v, ok, _, err := tx.LockRow(ctx, c, acct(x.i), storage.LockExclusive, storage.WaitBlock)
					if err != nil || !ok {
						errs <- fmt.Errorf("LockRow: %v, exists %v", err, ok)
						tx.Rollback()
						return
					}
					n, _ := strconv.Atoi(string(v))
					if err := tx.Put(c, acct(x.i), []byte(strconv.Itoa(n+x.delta))); err != nil {
						errs <- err
						tx.Rollback()
						return
					}
				}
				if err := tx.Commit(ctx); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	// A checkpoint now and then, concurrently with everything else.
	ckDone := make(chan struct{})
	go func() {
		defer close(ckDone)
		for !stop.Load() {
			time.Sleep(5 * time.Millisecond)
			if err := e.Checkpoint(); err != nil {
				errs <- err
				return
			}
		}
	}()
	wg.Wait()
	stop.Store(true)
	rwg.Wait()
	<-ckDone
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	tx := e.Begin(storage.ReadCommitted)
	defer tx.Rollback()
	sum := 0
	for i := range accounts {
		v, _ := strconv.Atoi(get(t, tx, c, string(acct(i))))
		sum += v
	}
	if sum != accounts*initial {
		t.Fatalf("final total %d, want %d", sum, accounts*initial)
	}
	if s := e.Stats(); s.Commits < uint64(workers*perWorker) {
		t.Fatalf("Stats().Commits = %d, want >= %d", s.Commits, workers*perWorker)
	}
}
