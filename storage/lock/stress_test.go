package lock

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// model mirrors what the transactions believe they hold, to catch two
// conflicting grants.
type model struct {
	mu   sync.Mutex
	held map[string]map[TxnID]Mode
}

func (md *model) granted(t *testing.T, txn TxnID, key string, mode Mode) {
	md.mu.Lock()
	defer md.mu.Unlock()
	hs := md.held[key]
	if hs == nil {
		hs = map[TxnID]Mode{}
		md.held[key] = hs
	}
	for other, m := range hs {
		if other != txn && conflicts(m, mode) {
			t.Errorf("key %s: txn %d granted %v while txn %d holds %v", key, txn, mode, other, m)
		}
	}
	hs[txn] = max(hs[txn], mode)
}

func (md *model) release(txn TxnID, keys []string) {
	md.mu.Lock()
	defer md.mu.Unlock()
	for _, k := range keys {
		delete(md.held[k], txn)
	}
}

type stressConfig struct {
	workers, txnsPerWorker, keys, locksPerTxn int
	sorted                                    bool // lock keys in key order, one mode per key: deadlock-free
	cancelSome                                bool // give some requests a short deadline
}

// runStress runs workers that each finish txnsPerWorker transactions,
// retrying deadlock victims (and cancelled ones) with a new TxnID.
func runStress(t *testing.T, cfg stressConfig) (retries uint64) {
	m := NewManager()
	m.testHookCycle = func(c []WaitEdge) {
		if err := m.verifyCycle(c); err != nil {
			t.Errorf("false deadlock: %v in %+v", err, c)
		}
	}
	md := &model{held: map[string]map[TxnID]Mode{}}
	var nextTxn atomic.Uint64
	var nretry atomic.Uint64
	var wg sync.WaitGroup
	done := make(chan struct{})
	for w := range cfg.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			for range cfg.txnsPerWorker {
				// The plan is fixed per transaction and kept across retries.
				type req struct {
					key  string
					mode Mode
				}
				var plan []req
				if cfg.sorted {
					for _, k := range rng.Perm(cfg.keys)[:cfg.locksPerTxn] {
						plan = append(plan, req{fmt.Sprintf("k%03d", k), Mode(1 + rng.IntN(2))})
					}
					// Sorting gives a global order; a single mode per key
					// rules out upgrades.
					for i := range plan {
						for j := i + 1; j < len(plan); j++ {
							if plan[j].key < plan[i].key {
								plan[i], plan[j] = plan[j], plan[i]
							}
						}
					}
				} else {
					for range cfg.locksPerTxn {
						plan = append(plan, req{fmt.Sprintf("k%03d", rng.IntN(cfg.keys)), Mode(1 + rng.IntN(2))})
					}
				}
			retry:
				for {
					txn := TxnID(nextTxn.Add(1))
					var keys []string
					for _, r := range plan {
						ctx := context.Background()
						cancel := func() {}
						if cfg.cancelSome && rng.IntN(8) == 0 {
							ctx, cancel = context.WithTimeout(ctx, time.Duration(rng.IntN(200))*time.Microsecond)
						}
						err := m.Lock(ctx, txn, r.key, r.mode, Block)
						cancel()
						if err != nil {
							if !errors.Is(err, ErrDeadlock) && !errors.Is(err, context.DeadlineExceeded) {
								t.Errorf("txn %d: %v", txn, err)
							}
							md.release(txn, keys)
							m.ReleaseAll(txn)
							nretry.Add(1)
							continue retry
						}
						md.granted(t, txn, r.key, r.mode)
						keys = append(keys, r.key)
						if rng.IntN(4) == 0 {
							time.Sleep(time.Duration(rng.IntN(50)) * time.Microsecond)
						}
					}
					md.release(txn, keys)
					m.ReleaseAll(txn)
					break
				}
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("transactions did not finish: lost wake-up or undetected deadlock")
	}
	if err := m.isEmpty(); err != nil {
		t.Error(err)
	}
	st := m.Stats()
	t.Logf("%+v retries=%d", st, nretry.Load())
	return nretry.Load()
}

func TestStressRandomOrder(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 50
	}
	runStress(t, stressConfig{workers: 8, txnsPerWorker: n, keys: 4, locksPerTxn: 3})
}

func TestStressRandomOrderWithCancel(t *testing.T) {
	runStress(t, stressConfig{workers: 8, txnsPerWorker: 200, keys: 5, locksPerTxn: 3, cancelSome: true})
}

// With a global lock order and no upgrades no deadlock exists, so every
// victim would be a false positive.
func TestStressOrderedNoFalseDeadlock(t *testing.T) {
	if r := runStress(t, stressConfig{workers: 8, txnsPerWorker: 300, keys: 6, locksPerTxn: 3, sorted: true}); r != 0 {
		t.Errorf("%d deadlocks reported for deadlock-free transactions", r)
	}
}

// TestConcurrentCycleOneVictim closes n-party cycles with all requests sent
// at the same moment, many times: every round must have exactly one victim,
// and the others must get their locks once it releases.
func TestConcurrentCycleOneVictim(t *testing.T) {
	for _, parties := range []int{2, 3, 5} {
		t.Run(fmt.Sprintf("%d-party", parties), func(t *testing.T) {
			m := NewManager()
			for round := range 200 {
				base := TxnID(round*parties + 1)
				for i := range parties {
					if err := m.Lock(context.Background(), base+TxnID(i), fmt.Sprint("k", i), Exclusive, Block); err != nil {
						t.Fatal(err)
					}
				}
				errs := make([]error, parties)
				var start, wg sync.WaitGroup
				start.Add(1)
				for i := range parties {
					wg.Add(1)
					go func() {
						defer wg.Done()
						start.Wait()
						txn := base + TxnID(i)
						errs[i] = m.Lock(context.Background(), txn, fmt.Sprint("k", (i+1)%parties), Exclusive, Block)
						// The victim aborts, which lets the next one finish
						// and commit, and so on around the cycle.
						m.ReleaseAll(txn)
					}()
				}
				start.Done()
				wg.Wait()
				victims := 0
				for i, err := range errs {
					switch {
					case err == nil:
					case errors.Is(err, ErrDeadlock):
						victims++
						var de *DeadlockError
						if !errors.As(err, &de) || len(de.Cycle) != parties || de.Cycle[0].Waiter != base+TxnID(i) {
							t.Errorf("round %d: bad cycle %+v", round, de)
						}
					default:
						t.Fatal(err)
					}
				}
				if victims != 1 {
					t.Fatalf("round %d: %d victims", round, victims)
				}
			}
			if err := m.isEmpty(); err != nil {
				t.Error(err)
			}
		})
	}
}
