package storage_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/neuroquantumdb/nqdb/storage"
)

// drain reads it to the end as "k=v" pairs.
func drain(t *testing.T, it *storage.Iter) []string {
	t.Helper()
	var out []string
	for it.Next() {
		out = append(out, string(it.Key())+"="+string(it.Value()))
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReseekAndGetAppend checks the reusing read paths of key lookups
// against the plain ones: Iter.Reseek against a new Scan (or ScanReverse)
// of each range, GetAppend against Get, over a tree with history (keys a
// concurrent commit changed or deleted after the reader's snapshot), the
// reader's own writes, and ranges big enough to take several batches.
func TestReseekAndGetAppend(t *testing.T) {
	ctx := context.Background()
	e := openMem(t)
	setup := e.Begin(storage.ReadCommitted)
	id, err := setup.CreateTree()
	if err != nil {
		t.Fatal(err)
	}
	if err := setup.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	key := func(i int) string { return fmt.Sprintf("k%05d", i) }
	const n = 3000
	init := map[string]string{}
	for i := 0; i < n; i += 2 {
		init[key(i)] = fmt.Sprint("v", i)
	}
	commitKV(t, e, id, init)
	// committed is the tree's latest committed state.
	committed := maps.Clone(init)

	rng := rand.New(rand.NewPCG(1, 2))
	for _, withHistory := range []bool{false, true} {
		for _, own := range []bool{false, true} {
			t.Run(fmt.Sprintf("history=%v/own=%v", withHistory, own), func(t *testing.T) {
				tx := e.Begin(storage.RepeatableRead)
				defer tx.Rollback()
				// view is what tx must see: the state committed before
				// it began and its own writes, never the later commit.
				view := maps.Clone(committed)
				if withHistory {
					// Changed after tx's snapshot: tx must still see the
					// old state through the history.
					later, dels := map[string]string{}, []string{}
					for i := 0; i < 200; i++ {
						k := key(rng.IntN(n))
						if rng.IntN(2) == 0 {
							later[k] = "new"
						} else {
							dels = append(dels, k)
						}
					}
					for _, d := range dels {
						delete(later, d)
					}
					commitKV(t, e, id, later, dels...)
					maps.Copy(committed, later)
					for _, d := range dels {
						delete(committed, d)
					}
				}
				if own {
					for i := 0; i < 100; i++ {
						k := []byte(key(rng.IntN(n)))
						if rng.IntN(3) == 0 {
							if err := tx.Delete(id, k); err != nil {
								t.Fatal(err)
							}
							delete(view, string(k))
						} else if err := tx.Put(id, k, []byte("own")); err != nil {
							t.Fatal(err)
						} else {
							view[string(k)] = "own"
						}
					}
				}
				model := func(lo, hi string, rev bool) []string {
					var out []string
					for i := 0; i < n+10; i++ {
						if k := key(i); k >= lo && k < hi {
							if v, ok := view[k]; ok {
								out = append(out, k+"="+v)
							}
						}
					}
					if rev {
						slices.Reverse(out)
					}
					return out
				}
				for _, rev := range []bool{false, true} {
					open := tx.Scan
					if rev {
						open = tx.ScanReverse
					}
					var reused *storage.Iter
					for round := 0; round < 60; round++ {
						a, b := rng.IntN(n+10), rng.IntN(n+10)
						if a > b {
							a, b = b, a
						}
						if round%3 == 0 {
							b = a + 1 + rng.IntN(4) // a lookup-sized range
						}
						lo, hi := []byte(key(a)), []byte(key(b))
						fresh, err := open(ctx, id, lo, hi)
						if err != nil {
							t.Fatal(err)
						}
						want := model(string(lo), string(hi), rev)
						if got := drain(t, fresh); fmt.Sprint(got) != fmt.Sprint(want) {
							t.Fatalf("rev=%v [%s, %s): scan read %v, want %v", rev, lo, hi, got, want)
						}
						fresh.Close()
						if reused == nil {
							if reused, err = open(ctx, id, lo, hi); err != nil {
								t.Fatal(err)
							}
						} else if err := reused.Reseek(lo, hi); err != nil {
							t.Fatal(err)
						}
						got := drain(t, reused)
						if fmt.Sprint(got) != fmt.Sprint(want) {
							t.Fatalf("rev=%v [%s, %s): reseek read %v, want %v", rev, lo, hi, got, want)
						}
						if round%7 == 0 {
							reused.Close() // Reseek after Close is allowed
						}
					}
				}
				var buf []byte
				for i := 0; i < n+2; i++ {
					k := []byte(key(i))
					want, wok, err := tx.Get(id, k)
					if err != nil {
						t.Fatal(err)
					}
					if mv, mok := view[string(k)]; mok != wok || mv != string(want) {
						t.Fatalf("Get(%s) = %q %v, want %q %v", k, want, wok, mv, mok)
					}
					buf = append(buf[:0], "prefix"...)
					got, ok, err := tx.GetAppend(id, k, buf)
					if err != nil {
						t.Fatal(err)
					}
					if ok != wok || (ok && !bytes.Equal(got, append([]byte("prefix"), want...))) {
						t.Fatalf("GetAppend(%s) = %q %v, want prefix+%q %v", k, got, ok, want, wok)
					}
					if ok {
						buf = got
					}
				}
			})
		}
	}
}

// FuzzReseek drives one re-seeked Iter over a tree with history and own
// writes through ranges the input picks, and checks each against a new
// Scan of the same range and against what Get reads of each key.
func FuzzReseek(f *testing.F) {
	f.Add([]byte{1, 5, 0, 200, 3, 4, 9, 9, 100, 7})
	f.Add([]byte{255, 0, 1, 2, 128, 129, 3})
	f.Fuzz(func(t *testing.T, in []byte) {
		ctx := context.Background()
		e := openMem(t)
		setup := e.Begin(storage.ReadCommitted)
		id, err := setup.CreateTree()
		if err != nil {
			t.Fatal(err)
		}
		if err := setup.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		key := func(b byte) []byte { return []byte{'k', b} }
		init := map[string]string{}
		for i := 0; i < 256; i += 3 {
			init[string(key(byte(i)))] = fmt.Sprint(i)
		}
		commitKV(t, e, id, init)
		tx := e.Begin(storage.RepeatableRead)
		defer tx.Rollback()
		// The input's first half changes keys after tx's snapshot (a
		// history) or in tx itself; the rest are the ranges.
		half := len(in) / 2
		later, dels := map[string]string{}, []string(nil)
		for i, b := range in[:half] {
			switch i % 3 {
			case 0:
				later[string(key(b))] = "later"
			case 1:
				dels = append(dels, string(key(b)))
			case 2:
				if err := tx.Put(id, key(b), []byte("own")); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, d := range dels {
			delete(later, d)
		}
		commitKV(t, e, id, later, dels...)
		var its [2]*storage.Iter // forwards, backwards: Reseek keeps the direction
		rest := in[half:]
		for i := 0; i+1 < len(rest); i += 2 {
			lo, hi := key(rest[i]), key(rest[i+1])
			rev := rest[i]&1 == 1
			open := tx.Scan
			if rev {
				open = tx.ScanReverse
			}
			fresh, err := open(ctx, id, lo, hi)
			if err != nil {
				t.Fatal(err)
			}
			want := drain(t, fresh)
			d := 0
			if rev {
				d = 1
			}
			it := its[d]
			if it == nil {
				if it, err = open(ctx, id, lo, hi); err != nil {
					t.Fatal(err)
				}
				its[d] = it
			} else if err := it.Reseek(lo, hi); err != nil {
				t.Fatal(err)
			}
			got := drain(t, it)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("[%q, %q) rev=%v: reseek %v, scan %v", lo, hi, rev, got, want)
			}
			for _, kv := range want {
				k, v, _ := strings.Cut(kv, "=")
				gv, ok, err := tx.GetAppend(id, []byte(k), nil)
				if err != nil || !ok || string(gv) != v {
					t.Fatalf("GetAppend(%q) = %q %v %v, scan read %q", k, gv, ok, err, v)
				}
			}
		}
	})
}
