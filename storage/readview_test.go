package storage_test

import (
	"context"
	"testing"

	"github.com/neuroquantumdb/nqdb/storage"
)

// TestReadView checks that a read view sees the transaction's committed
// snapshot and its writes up to the view, and none made after it, while
// the transaction itself sees everything.
func TestReadView(t *testing.T) {
	e := openMem(t)
	setup := e.Begin(storage.ReadCommitted)
	id, err := setup.CreateTree()
	if err != nil {
		t.Fatal(err)
	}
	if err := setup.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	commitKV(t, e, id, map[string]string{"a": "1", "b": "2"})
	tx := e.Begin(storage.ReadCommitted)
	defer tx.Rollback()
	if err := tx.Put(id, []byte("c"), []byte("3")); err != nil {
		t.Fatal(err)
	}
	v := tx.ReadView()
	if err := tx.Delete(id, []byte("a")); err != nil {
		t.Fatal(err)
	}
	if err := tx.Put(id, []byte("b"), []byte("22")); err != nil {
		t.Fatal(err)
	}
	if err := tx.Put(id, []byte("d"), []byte("4")); err != nil {
		t.Fatal(err)
	}
	if got, want := scanAll(t, v, id), "a=1 b=2 c=3"; got != want {
		t.Errorf("view scan: %q, want %q", got, want)
	}
	if got, want := scanAll(t, tx, id), "b=22 c=3 d=4"; got != want {
		t.Errorf("transaction scan: %q, want %q", got, want)
	}
	if got := get(t, v, id, "d"); got != "<none>" {
		t.Errorf("view sees a later write: d=%s", got)
	}
	if got := get(t, v, id, "b"); got != "2" {
		t.Errorf("view get b = %s, want 2", got)
	}
}
