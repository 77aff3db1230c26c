package pager

import (
	"encoding/binary"
	"fmt"
	"maps"
	"math/rand"
	"slices"
	"testing"

	"github.com/neuroquantumdb/nqdb/storage/vfs"
)

// A crash test drives a pager the way the B+tree and the checkpointer do
// (shadow paging: pages of an ended epoch are copied before changing) and
// records the set of live pages as the checkpoint payload. After an
// injected failure and a simulated power loss, the reopened file must be at
// the last completed checkpoint or the one that was being written, and
// every page that checkpoint lists must read back intact.

type pageState struct {
	version uint64
	epoch   uint64
}

type workload struct {
	t       *testing.T
	p       *Pager
	rng     *rand.Rand
	live    map[PageNo]pageState
	version uint64
	buf     []byte
	err     error // first error from the pager; the workload stops there
}

func encodeLive(live map[PageNo]pageState) []byte {
	var b []byte
	for _, no := range slices.Sorted(maps.Keys(live)) {
		b = binary.AppendUvarint(b, uint64(no))
		b = binary.AppendUvarint(b, live[no].version)
	}
	return b
}

func decodeLive(t *testing.T, b []byte) map[PageNo]uint64 {
	live := map[PageNo]uint64{}
	for len(b) > 0 {
		no, n := binary.Uvarint(b)
		v, m := binary.Uvarint(b[n:])
		if n <= 0 || m <= 0 {
			t.Fatalf("bad payload")
		}
		live[PageNo(no)] = v
		b = b[n+m:]
	}
	return live
}

func (w *workload) write(no PageNo) {
	w.version++
	fillPage(w.buf, no, w.version, w.p.Epoch())
	if err := w.p.WritePage(no, w.buf); err != nil && w.err == nil {
		w.err = err
	}
	w.live[no] = pageState{w.version, w.p.Epoch()}
}

// step does one random change.
func (w *workload) step() {
	cur := w.p.Epoch()
	switch r := w.rng.Intn(10); {
	case r < 4 || len(w.live) < 5: // insert
		w.write(w.p.Allocate())
	case r < 8: // update, copy-on-write if the page is checkpointed
		no := randomKey(w.rng, w.live)
		st := w.live[no]
		if st.epoch < cur {
			delete(w.live, no)
			w.write(w.p.Allocate())
			w.p.Free(no, st.epoch)
		} else {
			w.write(no)
		}
	default: // delete
		no := randomKey(w.rng, w.live)
		w.p.Free(no, w.live[no].epoch)
		delete(w.live, no)
	}
}

func randomKey(rng *rand.Rand, m map[PageNo]pageState) PageNo {
	keys := slices.Sorted(maps.Keys(m))
	return keys[rng.Intn(len(keys))]
}

// run does epochs checkpoints with some changes before each cut and some
// between the cut and the finish. It returns the payload of the last
// checkpoint that completed and the one in flight when an error stopped it.
func (w *workload) run(epochs int, done []byte) (last, inflight []byte) {
	last = done
	for range epochs {
		for range 5 + w.rng.Intn(20) {
			w.step()
		}
		if w.err != nil {
			return last, nil
		}
		cp := w.p.BeginCheckpoint()
		payload := encodeLive(w.live)
		for range w.rng.Intn(8) {
			w.step()
		}
		if w.err != nil {
			return last, payload
		}
		if err := w.p.FinishCheckpoint(cp, payload); err != nil {
			w.err = err
			return last, payload
		}
		last = payload
	}
	return last, nil
}

// verify opens the file on fs and checks it holds one of the accepted
// payloads and its pages; it returns the pager and the live set.
func verify(t *testing.T, fs vfs.FS, accepted ...[]byte) (*Pager, map[PageNo]pageState, []byte) {
	t.Helper()
	p, payload, err := Open(fs, "data")
	if err != nil {
		t.Fatalf("reopen after crash: %v", err)
	}
	ok := false
	for _, a := range accepted {
		if string(a) == string(payload) && (a == nil) == (payload == nil) {
			ok = true
		}
	}
	if !ok {
		t.Fatalf("recovered payload (%d bytes) is none of the %d accepted", len(payload), len(accepted))
	}
	free := p.FreeList()
	live := map[PageNo]pageState{}
	buf := make([]byte, PageSize)
	for no, v := range decodeLive(t, payload) {
		if err := p.ReadPage(no, buf); err != nil {
			t.Fatalf("live page: %v", err)
		}
		if err := checkPage(buf, no, v); err != nil {
			t.Fatal(err)
		}
		if _, found := slices.BinarySearch(free, no); found {
			t.Fatalf("live page %d is on the free list", no)
		}
		if Epoch(buf) >= p.Epoch() {
			t.Fatalf("live page %d has epoch %d, current is %d", no, Epoch(buf), p.Epoch())
		}
		live[no] = pageState{v, Epoch(buf)}
	}
	return p, live, payload
}

func maxVersion(live map[PageNo]pageState) uint64 {
	var m uint64
	for _, st := range live {
		m = max(m, st.version)
	}
	return m
}

func TestCrashRecovery(t *testing.T) {
	type tc struct {
		op   vfs.Op
		nth  int64
		seed int64
	}
	var cases []tc
	for n := int64(1); n <= 24; n++ {
		cases = append(cases, tc{vfs.OpSync, n, n})
	}
	for n := int64(1); n <= 400; n += 13 {
		cases = append(cases, tc{vfs.OpWrite, n, n})
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s%d", c.op, c.nth), func(t *testing.T) {
			for sub := range int64(3) {
				rng := rand.New(rand.NewSource(c.seed*7 + sub))
				mem := vfs.NewMem()
				fs := vfs.WithErrors(mem, vfs.AfterNth(c.op, c.nth, nil))
				p, _, err := Open(fs, "data")
				if err != nil {
					continue // failed while creating: nothing to check
				}
				w := &workload{t: t, p: p, rng: rng, live: map[PageNo]pageState{}, buf: make([]byte, PageSize)}
				last, inflight := w.run(8, nil)
				crashRng := rng
				if sub == 0 {
					crashRng = nil // exactly the synced state
				}
				p2, live, got := verify(t, mem.Crash(crashRng), last, inflight)

				// Go on from the recovered state, then lose power mid-epoch.
				w2 := &workload{t: t, p: p2, rng: rng, live: live, version: maxVersion(live) + 1000,
					buf: make([]byte, PageSize)}
				last2, _ := w2.run(4, got)
				if w2.err != nil {
					t.Fatalf("after recovery: %v", w2.err)
				}
				for range 10 {
					w2.step()
				}
				// p2 runs on the crashed MemFS copy, which verify opened.
				crashed := p2.fs.(*vfs.MemFS).Crash(rng)
				p3, _, _ := verify(t, crashed, last2)
				p3.Close()
			}
		})
	}
}
