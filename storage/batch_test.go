package storage_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/neuroquantumdb/nqdb/storage"
)

// TestInsertBatchHistory pins the history of keys a commit created (kept
// as the commit's write set, not a version per key): snapshots older
// than the load see none of its keys, through Get, Scan and LockRow,
// also after later commits change or delete some of them, and the
// history goes once no snapshot needs it.
func TestInsertBatchHistory(t *testing.T) {
	e := openMem(t)
	const c = storage.CatalogTree
	commitKV(t, e, c, map[string]string{"a": "0"})
	s0 := e.Begin(storage.RepeatableRead) // sees a=0 only
	defer s0.Rollback()
	load := map[string]string{}
	for i := range 50 {
		load[fmt.Sprintf("k%02d", i)] = fmt.Sprint(i)
	}
	commitKV(t, e, c, load) // a batch: every key is new
	s1 := e.Begin(storage.RepeatableRead)
	defer s1.Rollback()
	// Change one loaded key, delete another, re-insert nothing.
	commitKV(t, e, c, map[string]string{"k01": "changed", "a": "1"}, "k02")
	s2 := e.Begin(storage.RepeatableRead)
	defer s2.Rollback()

	for _, tc := range []struct {
		name string
		tx   *storage.Txn
		key  string
		want string
	}{
		{"s0", s0, "k00", "<none>"}, {"s0", s0, "k01", "<none>"}, {"s0", s0, "k02", "<none>"}, {"s0", s0, "a", "0"},
		{"s1", s1, "k00", "0"}, {"s1", s1, "k01", "1"}, {"s1", s1, "k02", "2"}, {"s1", s1, "a", "0"},
		{"s2", s2, "k00", "0"}, {"s2", s2, "k01", "changed"}, {"s2", s2, "k02", "<none>"}, {"s2", s2, "a", "1"},
	} {
		if got := get(t, tc.tx, c, tc.key); got != tc.want {
			t.Errorf("%s: %s = %q, want %q", tc.name, tc.key, got, tc.want)
		}
	}
	if got := scanAll(t, s0, c); got != "a=0" {
		t.Errorf("s0 scan = %q, want a=0", got)
	}
	want := "a=0"
	for i := range 50 {
		want += fmt.Sprintf(" k%02d=%d", i, i)
	}
	if got := scanAll(t, s1, c); got != want {
		t.Errorf("s1 scan = %q, want %q", got, want)
	}
	// A REPEATABLE READ transaction older than the load cannot lock a
	// loaded key: it was created after its snapshot.
	_, _, _, err := s0.LockRow(context.Background(), c, []byte("k05"), storage.LockExclusive, storage.WaitBlock)
	if !errors.Is(err, storage.ErrConcurrentUpdate) {
		t.Errorf("s0 LockRow(k05) = %v, want ErrConcurrentUpdate", err)
	}
	// s1 sees k05 as it is.
	if _, found, changed, err := s1.LockRow(context.Background(), c, []byte("k06"), storage.LockExclusive, storage.WaitBlock); err != nil || !found || changed {
		t.Errorf("s1 LockRow(k06) = %v %v %v", found, changed, err)
	}
	s0.Rollback()
	s1.Rollback()
	s2.Rollback()
	commitKV(t, e, c, map[string]string{"z": "1"}) // runs GC
	if v := e.Stats().Versions; v != 0 {
		t.Errorf("history left after every snapshot ended: %d versions", v)
	}
}
