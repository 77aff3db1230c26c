package lock

import (
	"context"
	"errors"
	"slices"
	"testing"
)

// FuzzLockOps drives one Manager from a single goroutine with requests that
// never sleep (NoWait, SkipLocked, and Block under a cancelled context) and
// compares every result with a simple model: with nobody waiting, a request
// is granted exactly when it is compatible with the other holders. The
// invariants are checked after every step and the manager must be empty
// once every transaction is released.
//
// Each op is two bytes: op = b0 & 3 (0-2 lock with that wait policy, 3
// release), txn = b0>>2 & 7, key = b1 & 7, mode = Shared + b1>>3 & 1.
func FuzzLockOps(f *testing.F) {
	f.Add([]byte{0x04, 0x00, 0x08, 0x00, 0x04, 0x08, 0x03})
	f.Add([]byte{0x04, 0x08, 0x09, 0x00, 0x05, 0x08, 0x07, 0x06, 0x08})
	f.Add([]byte{0x10, 0x01, 0x14, 0x01, 0x10, 0x09, 0x13, 0x14, 0x09, 0x02, 0x0a})
	ctxDone, cancel := context.WithCancel(context.Background())
	cancel()
	f.Fuzz(func(t *testing.T, ops []byte) {
		m := NewManager()
		keys := []string{"a", "b", "c", "", "\x00", "key-5", "k6", "a\x00"}
		type hold struct {
			txn  TxnID
			mode Mode
		}
		model := map[string][]hold{}
		for i := 0; i+1 < len(ops); i += 2 {
			b0, b1 := ops[i], ops[i+1]
			txn := TxnID(b0 >> 2 & 7)
			if b0&3 == 3 {
				m.ReleaseAll(txn)
				for k, hs := range model {
					model[k] = slices.DeleteFunc(hs, func(h hold) bool { return h.txn == txn })
				}
				continue
			}
			key := keys[b1&7]
			mode := Shared + Mode(b1>>3&1)
			w := Wait(b0 & 3)
			ctx := context.Background()
			if w == Block {
				ctx = ctxDone
			}
			err := m.Lock(ctx, txn, key, mode, w)

			hs := model[key]
			own := slices.IndexFunc(hs, func(h hold) bool { return h.txn == txn })
			ok := true
			for _, h := range hs {
				if h.txn != txn && conflicts(h.mode, mode) {
					ok = false
				}
			}
			var want error
			switch {
			case ok && own >= 0:
				hs[own].mode = max(hs[own].mode, mode)
			case ok:
				model[key] = append(hs, hold{txn, mode})
			case w == NoWait:
				want = ErrNotAvailable
			case w == SkipLocked:
				want = ErrSkip
			default:
				want = context.Canceled
			}
			if !errors.Is(err, want) || (want == nil) != (err == nil) {
				t.Fatalf("op %d: Lock(%d, %q, %v, %d) = %v, want %v", i/2, txn, key, mode, w, err, want)
			}
			var wantHolders []TxnID
			for _, h := range model[key] {
				wantHolders = append(wantHolders, h.txn)
			}
			if got := m.Holders(key); !slices.Equal(got, wantHolders) {
				t.Fatalf("op %d: holders of %q = %v, want %v", i/2, key, got, wantHolders)
			}
			if got := m.HolderMode(txn, key); ok && got != max(mode, got) {
				t.Fatalf("op %d: txn %d holds %q in %v after asking %v", i/2, txn, key, got, mode)
			}
			if err := m.checkInvariants(); err != nil {
				t.Fatalf("op %d: %v", i/2, err)
			}
		}
		for txn := range TxnID(8) {
			m.ReleaseAll(txn)
		}
		if err := m.isEmpty(); err != nil {
			t.Fatal(err)
		}
	})
}
