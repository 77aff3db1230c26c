package storage_test

import (
	"context"
	"fmt"
	"math/rand"
	"testing"

	"github.com/neuroquantumdb/nqdb/storage"
	"github.com/neuroquantumdb/nqdb/storage/vfs"
)

func TestReproDrop(t *testing.T) {
	ctx := context.Background()
	fs := vfs.NewMem()
	e, err := storage.Open(smallOpts(fs))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	put := func(tx *storage.Txn, id storage.TreeID, k, v string) {
		if err := tx.Put(id, []byte(k), []byte(v)); err != nil {
			t.Fatal(err)
		}
		if id == storage.CatalogTree {
			want[k] = v
		}
	}
	tx := e.Begin(storage.ReadCommitted)
	for i := range 20 {
		put(tx, 1, fmt.Sprintf("a%03d", i), "v")
	}
	tx.Commit(ctx)
	tx = e.Begin(storage.ReadCommitted)
	id, _ := tx.CreateTree()
	for i := range 200 {
		put(tx, id, fmt.Sprintf("b%03d", i), string(make([]byte, 100)))
	}
	put(tx, 1, "c", "x")
	put(tx, 1, "big", string(make([]byte, 13000)))
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	tx = e.Begin(storage.ReadCommitted)
	put(tx, id, "zz", "x")
	put(tx, 1, "zz", "x")
	tx.Commit(ctx)
	tx = e.Begin(storage.ReadCommitted)
	tx.DropTree(id)
	put(tx, 1, "d", "x")
	tx.Commit(ctx)
	tx = e.Begin(storage.ReadCommitted)
	for i := range 200 {
		put(tx, 1, fmt.Sprintf("e%03d", i), string(make([]byte, 100)))
	}
	tx.Commit(ctx)
	crashed := fs.Crash(nil)
	e.Close()
	e, err = storage.Open(smallOpts(crashed))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if d := diffState(t, e, state{1: want}, []storage.TreeID{id}); d != "" {
		t.Fatal(d)
	}
}

func TestReproAsync(t *testing.T) {
	ctx := context.Background()
	fs := vfs.NewMem()
	e, err := storage.Open(smallOpts(fs))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for i := range 11 {
		tx := e.Begin(storage.ReadCommitted)
		k := fmt.Sprint("k", i)
		tx.Put(1, []byte(k), []byte("v"))
		want[k] = "v"
		tx.SyncCommit = i%3 != 0
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	crashed := fs.Crash(nil)
	e.Close()
	e, err = storage.Open(smallOpts(crashed))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if d := diffState(t, e, state{1: want}, nil); d != "" {
		t.Fatal(d)
	}
}

func TestReproAsync2(t *testing.T) {
	ctx := context.Background()
	for seed := range 30 {
		rng := rand.New(rand.NewSource(int64(seed)))
		fs := vfs.NewMem()
		e, err := storage.Open(smallOpts(fs))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{}
		var pend map[string]string
		if seed%2 == 0 {
			tx := e.Begin(storage.ReadCommitted)
			id, _ := tx.CreateTree()
			tx.Put(id, []byte("x"), []byte("y"))
			if err := tx.Commit(ctx); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 20 {
			tx := e.Begin(storage.ReadCommitted)
			w := map[string]string{}
			for range 1 + rng.Intn(10) {
				k, v := randKey(rng, 100), randVal(rng)
				tx.Put(1, []byte(k), []byte(v))
				w[k] = v
			}
			if rng.Intn(5) == 0 {
				tx.Rollback()
				continue
			}
			tx.SyncCommit = rng.Intn(3) != 0
			if err := tx.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			if pend == nil {
				pend = map[string]string{}
			}
			for k, v := range w {
				pend[k] = v
			}
			if tx.SyncCommit {
				for k, v := range pend {
					want[k] = v
				}
				pend = nil
			}
			_ = i
		}
		crashed := fs.Crash(nil)
		e.Close()
		e, err = storage.Open(smallOpts(crashed))
		if err != nil {
			t.Fatal(err)
		}
		got := readTree(t, e, 1)
		for k, v := range want {
			if got[k] != v {
				t.Errorf("seed %d: key %.10s: got len %d want len %d (pending %v)", seed, k, len(got[k]), len(v), pend != nil)
			}
		}
		e.Close()
	}
}
