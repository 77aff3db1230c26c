package storage_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/neuroquantumdb/nqdb/storage"
	"github.com/neuroquantumdb/nqdb/storage/lock"
	"github.com/neuroquantumdb/nqdb/storage/vfs"
)

func openMem(t testing.TB) *storage.Engine {
	t.Helper()
	e, err := storage.Open(storage.Options{FS: vfs.NewMem(), Dir: "db"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// commitKV commits puts (odd-length pairs not allowed) and deletes
// (value "" with del) in one transaction.
func commitKV(t testing.TB, e *storage.Engine, id storage.TreeID, kv map[string]string, dels ...string) {
	t.Helper()
	tx := e.Begin(storage.ReadCommitted)
	for k, v := range kv {
		if err := tx.Put(id, []byte(k), []byte(v)); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range dels {
		if err := tx.Delete(id, []byte(k)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func get(t testing.TB, tx *storage.Txn, id storage.TreeID, key string) string {
	t.Helper()
	v, ok, err := tx.Get(id, []byte(key))
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		return "<none>"
	}
	return string(v)
}

// scanAll renders a full scan as "k=v k=v ...".
func scanAll(t testing.TB, tx *storage.Txn, id storage.TreeID) string {
	t.Helper()
	it, err := tx.Scan(context.Background(), id, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	s := ""
	for it.Next() {
		if s != "" {
			s += " "
		}
		s += string(it.Key()) + "=" + string(it.Value())
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSnapshotIsolation(t *testing.T) {
	e := openMem(t)
	const c = storage.CatalogTree
	commitKV(t, e, c, map[string]string{"a": "1", "c": "3", "d": "4"})
	rr := e.Begin(storage.RepeatableRead)
	defer rr.Rollback()
	rc := e.Begin(storage.ReadCommitted)
	defer rc.Rollback()
	commitKV(t, e, c, map[string]string{"a": "2", "b": "new"}, "c")

	before, after := "a=1 c=3 d=4", "a=2 b=new d=4"
	for _, tc := range []struct {
		name string
		tx   *storage.Txn
		want string
	}{
		{"RR", rr, before},
		{"RC before NewSnapshot", rc, before},
	} {
		if got := scanAll(t, tc.tx, c); got != tc.want {
			t.Errorf("%s: scan %q, want %q", tc.name, got, tc.want)
		}
		if got := get(t, tc.tx, c, "a"); got != "1" {
			t.Errorf("%s: a = %q, want 1", tc.name, got)
		}
		if got := get(t, tc.tx, c, "c"); got != "3" {
			t.Errorf("%s: c = %q, want 3", tc.name, got)
		}
		if got := get(t, tc.tx, c, "b"); got != "<none>" {
			t.Errorf("%s: b = %q, want none", tc.name, got)
		}
	}
	rr.NewSnapshot() // no effect on REPEATABLE READ
	rc.NewSnapshot()
	if got := scanAll(t, rr, c); got != before {
		t.Errorf("RR after NewSnapshot: %q, want %q", got, before)
	}
	if got := scanAll(t, rc, c); got != after {
		t.Errorf("RC after NewSnapshot: %q, want %q", got, after)
	}
	if got := get(t, rc, c, "c"); got != "<none>" {
		t.Errorf("RC: c = %q, want none", got)
	}
}

// TestOwnWritesMerged checks that a scan merges the transaction's own
// writes with the snapshot in key order, across scan batches, while keys
// deleted after the snapshot stay visible to the older snapshot.
func TestOwnWritesMerged(t *testing.T) {
	e := openMem(t)
	const c = storage.CatalogTree
	base := map[string]string{}
	for i := 0; i < 2000; i += 2 {
		base[fmt.Sprintf("%05d", i)] = "base"
	}
	commitKV(t, e, c, base)

	old := e.Begin(storage.RepeatableRead)
	defer old.Rollback()
	tx := e.Begin(storage.RepeatableRead)
	defer tx.Rollback()

	// Another transaction deletes most keys and changes some after both
	// snapshots were taken.
	var dels []string
	upd := map[string]string{}
	for i := 0; i < 2000; i += 2 {
		k := fmt.Sprintf("%05d", i)
		if i%6 != 0 {
			dels = append(dels, k)
		} else if i%12 == 0 {
			upd[k] = "upd"
		}
	}
	commitKV(t, e, c, upd, dels...)

	// Own writes: odd keys inserted, every 10th base key deleted, every
	// 8th overwritten.
	want := map[string]string{}
	for k, v := range base {
		want[k] = v
	}
	for i := 1; i < 2000; i += 4 {
		k := fmt.Sprintf("%05d", i)
		if err := tx.Put(c, []byte(k), []byte("own")); err != nil {
			t.Fatal(err)
		}
		want[k] = "own"
	}
	for i := 0; i < 2000; i += 10 {
		k := fmt.Sprintf("%05d", i)
		if err := tx.Delete(c, []byte(k)); err != nil {
			t.Fatal(err)
		}
		delete(want, k)
	}
	for i := 4; i < 2000; i += 8 {
		k := fmt.Sprintf("%05d", i)
		if _, ok := want[k]; !ok {
			continue
		}
		if err := tx.Put(c, []byte(k), []byte("mine")); err != nil {
			t.Fatal(err)
		}
		want[k] = "mine"
	}
	checkScan(t, tx, c, nil, nil, want)
	checkScan(t, tx, c, []byte("00500"), []byte("01501"), want)
	for _, k := range []string{"00001", "00004", "00010", "00012", "00014", "01999"} {
		w, ok := want[k]
		if !ok {
			w = "<none>"
		}
		if got := get(t, tx, c, k); got != w {
			t.Errorf("Get %s = %q, want %q", k, got, w)
		}
	}
	// The old snapshot still sees every deleted key, in order.
	checkScan(t, old, c, nil, nil, base)
	checkScan(t, old, c, []byte("00333"), []byte("01777"), base)
	// A new snapshot sees the deletes.
	now := e.Begin(storage.ReadCommitted)
	defer now.Rollback()
	latest := map[string]string{}
	for k := range base {
		latest[k] = "base"
	}
	for _, k := range dels {
		delete(latest, k)
	}
	for k, v := range upd {
		latest[k] = v
	}
	checkScan(t, now, c, nil, nil, latest)
}

func TestLockRow(t *testing.T) {
	ctx := context.Background()
	const c = storage.CatalogTree
	for _, tc := range []struct {
		name    string
		iso     storage.Isolation
		change  string // "" none, "update", "delete"
		wantErr error
		changed bool
		wantVal string
	}{
		{"RC unchanged", storage.ReadCommitted, "", nil, false, "1"},
		{"RC updated", storage.ReadCommitted, "update", nil, true, "2"},
		{"RC deleted", storage.ReadCommitted, "delete", nil, true, "<none>"},
		{"RR unchanged", storage.RepeatableRead, "", nil, false, "1"},
		{"RR updated", storage.RepeatableRead, "update", storage.ErrConcurrentUpdate, false, ""},
		{"RR deleted", storage.RepeatableRead, "delete", storage.ErrConcurrentDelete, false, ""},
		{"SER updated", storage.Serializable, "update", storage.ErrConcurrentUpdate, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := openMem(t)
			commitKV(t, e, c, map[string]string{"r": "1"})
			tx := e.Begin(tc.iso)
			defer tx.Rollback()
			// An update by another transaction that holds the row lock
			// while tx waits for it.
			other := e.Begin(storage.ReadCommitted)
			if _, _, _, err := other.LockRow(ctx, c, []byte("r"), storage.LockExclusive, storage.WaitBlock); err != nil {
				t.Fatal(err)
			}
			switch tc.change {
			case "update":
				other.Put(c, []byte("r"), []byte("2"))
			case "delete":
				other.Delete(c, []byte("r"))
			}
			// The row is locked: NOWAIT fails at once.
			if _, _, _, err := tx.LockRow(ctx, c, []byte("r"), storage.LockExclusive, storage.WaitNoWait); !errors.Is(err, lock.ErrNotAvailable) {
				t.Fatalf("NOWAIT on a locked row: %v", err)
			}
			go func() {
				time.Sleep(20 * time.Millisecond)
				if err := other.Commit(ctx); err != nil {
					t.Error(err)
				}
			}()
			v, exists, changed, err := tx.LockRow(ctx, c, []byte("r"), storage.LockExclusive, storage.WaitBlock)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("LockRow: %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := string(v)
			if !exists {
				got = "<none>"
			}
			if got != tc.wantVal || changed != tc.changed {
				t.Fatalf("LockRow = %q, changed %v; want %q, %v", got, changed, tc.wantVal, tc.changed)
			}
		})
	}
}

func TestInsertDuplicate(t *testing.T) {
	ctx := context.Background()
	const c = storage.CatalogTree
	e := openMem(t)
	commitKV(t, e, c, map[string]string{"x": "1"})
	tx := e.Begin(storage.ReadCommitted)
	if err := tx.Insert(ctx, c, []byte("x"), []byte("2")); !errors.Is(err, storage.ErrDuplicateKey) {
		t.Fatalf("Insert existing: %v", err)
	}
	if err := tx.Insert(ctx, c, []byte("y"), []byte("2")); err != nil {
		t.Fatal(err)
	}
	if err := tx.Insert(ctx, c, []byte("y"), []byte("3")); !errors.Is(err, storage.ErrDuplicateKey) {
		t.Fatalf("Insert own key twice: %v", err)
	}
	// Delete then Insert in the same transaction is allowed.
	if err := tx.Delete(c, []byte("y")); err != nil {
		t.Fatal(err)
	}
	if err := tx.Insert(ctx, c, []byte("y"), []byte("4")); err != nil {
		t.Fatalf("Insert after own delete: %v", err)
	}
	tx.Rollback()

	for _, commit := range []bool{true, false} {
		t.Run(fmt.Sprint("first commits=", commit), func(t *testing.T) {
			key := []byte(fmt.Sprint("z", commit))
			t1 := e.Begin(storage.ReadCommitted)
			if err := t1.Insert(ctx, c, key, []byte("1")); err != nil {
				t.Fatal(err)
			}
			t2 := e.Begin(storage.ReadCommitted)
			defer t2.Rollback()
			done := make(chan error, 1)
			go func() { done <- t2.Insert(ctx, c, key, []byte("2")) }()
			select {
			case err := <-done:
				t.Fatalf("second Insert did not wait for the first inserter: %v", err)
			case <-time.After(30 * time.Millisecond):
			}
			if commit {
				if err := t1.Commit(ctx); err != nil {
					t.Fatal(err)
				}
			} else {
				t1.Rollback()
			}
			err := <-done
			if commit && !errors.Is(err, storage.ErrDuplicateKey) {
				t.Fatalf("Insert after the other inserter committed: %v, want ErrDuplicateKey", err)
			}
			if !commit && err != nil {
				t.Fatalf("Insert after the other inserter rolled back: %v", err)
			}
		})
	}
}

func TestSerializableWriteSkew(t *testing.T) {
	ctx := context.Background()
	e := openMem(t)
	const c = storage.CatalogTree
	commitKV(t, e, c, map[string]string{"alice": "on", "bob": "on"})
	// Each doctor goes off call if the other is still on.
	t1 := e.Begin(storage.Serializable)
	t2 := e.Begin(storage.Serializable)
	for _, tx := range []*storage.Txn{t1, t2} {
		if get(t, tx, c, "alice") != "on" || get(t, tx, c, "bob") != "on" {
			t.Fatal("setup")
		}
	}
	t1.Put(c, []byte("alice"), []byte("off"))
	t2.Put(c, []byte("bob"), []byte("off"))
	if err := t1.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := t2.Commit(ctx); !errors.Is(err, storage.ErrSerialization) {
		t.Fatalf("write skew committed: %v, want ErrSerialization", err)
	}
	tx := e.Begin(storage.ReadCommitted)
	defer tx.Rollback()
	if got := scanAll(t, tx, c); got != "alice=off bob=on" {
		t.Fatalf("after write skew: %q", got)
	}
	// A transaction reading through a scan is validated the same way.
	t3 := e.Begin(storage.Serializable)
	scanAll(t, t3, c)
	commitKV(t, e, c, map[string]string{"carol": "on"})
	t3.Put(c, []byte("dave"), []byte("on"))
	if err := t3.Commit(ctx); !errors.Is(err, storage.ErrSerialization) {
		t.Fatalf("scan then concurrent insert: %v, want ErrSerialization", err)
	}
	// Without a conflicting commit, serializable commits.
	t4 := e.Begin(storage.Serializable)
	scanAll(t, t4, c)
	t4.Put(c, []byte("erin"), []byte("on"))
	if err := t4.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestGC checks that old versions are kept while a snapshot needs them
// and dropped after.
func TestGC(t *testing.T) {
	e := openMem(t)
	const c = storage.CatalogTree
	commitKV(t, e, c, map[string]string{"a": "0", "b": "0"})
	if err := e.Checkpoint(); err != nil {
		t.Fatal(err)
	}
	if v := e.Stats().Versions; v != 0 {
		t.Fatalf("Versions = %d with no snapshot open", v)
	}
	old := e.Begin(storage.RepeatableRead)
	for i := 1; i <= 50; i++ {
		commitKV(t, e, c, map[string]string{"a": fmt.Sprint(i)}, "b")
	}
	if v := e.Stats().Versions; v == 0 {
		t.Fatal("no versions kept for an open snapshot")
	}
	if got := scanAll(t, old, c); got != "a=0 b=0" {
		t.Fatalf("old snapshot sees %q", got)
	}
	old.Rollback()
	commitKV(t, e, c, map[string]string{"a": "last"})
	if err := e.Checkpoint(); err != nil {
		t.Fatal(err)
	}
	if v := e.Stats().Versions; v != 0 {
		t.Fatalf("Versions = %d after every snapshot ended", v)
	}
	tx := e.Begin(storage.ReadCommitted)
	defer tx.Rollback()
	if got := scanAll(t, tx, c); got != "a=last" {
		t.Fatalf("after GC: %q", got)
	}
}

// TestVacuum: versions pinned by a snapshot stay while it runs; once it
// ends, Vacuum drops them and the snapshot-free reads still see the
// newest values.
func TestVacuum(t *testing.T) {
	e := openMem(t)
	const c = storage.CatalogTree
	commitKV(t, e, c, map[string]string{"a": "0", "b": "0"})
	rr := e.Begin(storage.RepeatableRead)
	if got := get(t, rr, c, "a"); got != "0" {
		t.Fatalf("a = %q", got)
	}
	for i := 1; i <= 5; i++ {
		commitKV(t, e, c, map[string]string{"a": fmt.Sprint(i)}, "b")
	}
	if got := get(t, rr, c, "a"); got != "0" {
		t.Fatalf("the snapshot lost its version: a = %q", got)
	}
	if n, err := e.Vacuum(); err != nil || n != 0 {
		t.Fatalf("vacuum with the snapshot open dropped %d (%v); want 0", n, err)
	}
	pinned := e.Stats().Versions
	if pinned == 0 {
		t.Fatal("no versions kept for the open snapshot")
	}
	rr.Rollback()
	n, err := e.Vacuum()
	if err != nil {
		t.Fatal(err)
	}
	if n != pinned || e.Stats().Versions != 0 {
		t.Fatalf("vacuum dropped %d of %d versions, %d left", n, pinned, e.Stats().Versions)
	}
	tx := e.Begin(storage.ReadCommitted)
	defer tx.Rollback()
	if got := scanAll(t, tx, c); got != "a=5" {
		t.Fatalf("after vacuum: %q", got)
	}
}
