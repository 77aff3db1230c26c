package bufpool

import (
	"encoding/binary"
	"math/rand"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/neuroquantumdb/nqdb/storage/pager"
	"github.com/neuroquantumdb/nqdb/storage/vfs"
)

// TestCheckpointUnderLoad runs the shadow-paging protocol end to end:
// writers change pages through the pool (copying pages of an ended epoch),
// a checkpointer cuts under the writer lock and flushes with FlushUpTo
// while the writers go on. After a simulated power loss, the reopened file
// must hold exactly the versions the last checkpoint recorded.
func TestCheckpointUnderLoad(t *testing.T) {
	const writers, slots, checkpoints = 3, 12, 8
	mem := vfs.NewMem()
	p, _, err := pager.Open(mem, "data")
	if err != nil {
		t.Fatal(err)
	}
	bp := New(p, 24*pager.PageSize) // small: evictions happen all the time

	var cut sync.RWMutex // writers share it; the cut takes it exclusively
	pages := make([][]pager.PageNo, writers)
	versions := make([][]uint64, writers)
	stampOf := func(g, slot int, v uint64) uint64 { return uint64(g)<<48 | uint64(slot)<<32 | v }
	for g := range writers {
		for slot := range slots {
			f, err := bp.Allocate(pager.TypeLeaf)
			if err != nil {
				t.Fatal(err)
			}
			stamp(f, stampOf(g, slot, 0))
			pages[g] = append(pages[g], f.No())
			versions[g] = append(versions[g], 0)
			bp.Unpin(f)
		}
	}

	var changes atomic.Int64
	change := func(g int, rng *rand.Rand) error {
		cut.RLock()
		defer cut.RUnlock()
		slot := rng.Intn(slots)
		v := versions[g][slot] + 1
		f, err := bp.Get(pages[g][slot])
		if err != nil {
			return err
		}
		if pager.Epoch(f.Data()) < p.Epoch() {
			nf, err := bp.Allocate(pager.TypeLeaf)
			if err != nil {
				bp.Unpin(f)
				return err
			}
			copy(nf.Data()[pager.HeaderSize:], f.Data()[pager.HeaderSize:])
			if err := bp.Free(f); err != nil {
				return err
			}
			f = nf
			pages[g][slot] = nf.No()
		}
		stamp(f, stampOf(g, slot, v))
		bp.MarkDirty(f)
		bp.Unpin(f)
		versions[g][slot] = v
		changes.Add(1)
		return nil
	}

	stop := make(chan struct{})
	var running atomic.Int32
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		running.Add(1)
		go func() {
			defer wg.Done()
			defer running.Add(-1)
			rng := rand.New(rand.NewSource(int64(g)))
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := change(g, rng); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}

	var last []byte
	for range checkpoints {
		// Let the writers work between cuts.
		for start := changes.Load(); changes.Load() < start+300 && running.Load() == writers; {
			runtime.Gosched()
		}
		cut.Lock()
		cp := p.BeginCheckpoint()
		var payload []byte
		for g := range writers {
			for slot := range slots {
				payload = binary.AppendUvarint(payload, uint64(pages[g][slot]))
				payload = binary.AppendUvarint(payload, stampOf(g, slot, versions[g][slot]))
			}
		}
		cut.Unlock()
		if err := bp.FlushUpTo(cp.Epoch()); err != nil {
			t.Fatal(err)
		}
		if err := p.FinishCheckpoint(cp, payload); err != nil {
			t.Fatal(err)
		}
		last = payload
	}
	close(stop)
	wg.Wait()

	crashed := mem.Crash(rand.New(rand.NewSource(3)))
	p2, payload, err := pager.Open(crashed, "data")
	if err != nil {
		t.Fatal(err)
	}
	defer p2.Close()
	if string(payload) != string(last) {
		t.Fatal("recovered payload is not the last checkpoint's")
	}
	bp2 := New(p2, 0)
	for len(payload) > 0 {
		no, n := binary.Uvarint(payload)
		want, m := binary.Uvarint(payload[n:])
		payload = payload[n+m:]
		f, err := bp2.Get(pager.PageNo(no))
		if err != nil {
			t.Fatal(err)
		}
		if got := stamped(f); got != want {
			t.Fatalf("block %d holds %x, checkpoint recorded %x", no, got, want)
		}
		bp2.Unpin(f)
	}
	if s := bp.Stats(); s.Evictions == 0 || s.Writes == 0 {
		t.Fatalf("the test did not exercise eviction: %+v", s)
	}
}
