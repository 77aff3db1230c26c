package bufpool

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand"
	"sync"
	"testing"

	"github.com/neuroquantumdb/nqdb/storage/pager"
	"github.com/neuroquantumdb/nqdb/storage/vfs"
)

func newPager(t testing.TB) (*pager.Pager, *vfs.MemFS) {
	t.Helper()
	mem := vfs.NewMem()
	p, _, err := pager.Open(mem, "data")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p, mem
}

// stamp writes a recognisable value into a page body.
func stamp(f *Frame, v uint64) { binary.LittleEndian.PutUint64(f.Data()[pager.HeaderSize:], v) }

func stamped(f *Frame) uint64 { return binary.LittleEndian.Uint64(f.Data()[pager.HeaderSize:]) }

// makePages allocates n pages holding their own page number, flushed and
// dropped from a throwaway pool.
func makePages(t testing.TB, p *pager.Pager, n int) []pager.PageNo {
	t.Helper()
	bp := New(p, 0)
	nos := make([]pager.PageNo, n)
	for i := range nos {
		f, err := bp.Allocate(pager.TypeLeaf)
		if err != nil {
			t.Fatal(err)
		}
		stamp(f, uint64(f.No()))
		nos[i] = f.No()
		bp.Unpin(f)
	}
	if err := bp.FlushAll(); err != nil {
		t.Fatal(err)
	}
	return nos
}

func TestPinUnpin(t *testing.T) {
	p, _ := newPager(t)
	nos := makePages(t, p, 4)
	bp := New(p, 0)
	if s := bp.Stats(); s.Frames != minFrames {
		t.Fatalf("frames %d, want %d", s.Frames, minFrames)
	}
	f1, err := bp.Get(nos[0])
	if err != nil {
		t.Fatal(err)
	}
	f2, err := bp.Get(nos[0])
	if err != nil {
		t.Fatal(err)
	}
	if f1 != f2 || stamped(f1) != uint64(nos[0]) || f1.No() != nos[0] {
		t.Fatalf("second Get: different frame or content")
	}
	if s := bp.Stats(); s.Hits != 1 || s.Misses != 1 || s.Pinned != 1 {
		t.Fatalf("stats %+v", s)
	}
	bp.Unpin(f1)
	bp.Unpin(f2)
	if s := bp.Stats(); s.Pinned != 0 {
		t.Fatalf("pinned %d after unpinning", s.Pinned)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("Unpin of an unpinned frame did not panic")
		}
	}()
	bp.Unpin(f1)
}

func TestExhausted(t *testing.T) {
	p, _ := newPager(t)
	nos := makePages(t, p, minFrames+1)
	bp := New(p, 0)
	var pinned []*Frame
	for _, no := range nos[:minFrames] {
		f, err := bp.Get(no)
		if err != nil {
			t.Fatal(err)
		}
		pinned = append(pinned, f)
	}
	if _, err := bp.Get(nos[minFrames]); !errors.Is(err, ErrPoolExhausted) {
		t.Fatalf("Get with every frame pinned: %v", err)
	}
	free := p.FreePages()
	if _, err := bp.Allocate(pager.TypeLeaf); !errors.Is(err, ErrPoolExhausted) {
		t.Fatalf("Allocate with every frame pinned: %v", err)
	}
	if p.FreePages() != free+1 {
		t.Fatalf("failed Allocate leaked its page")
	}
	bp.Unpin(pinned[3])
	f, err := bp.Get(nos[minFrames])
	if err != nil || stamped(f) != uint64(nos[minFrames]) {
		t.Fatalf("Get after an unpin: %v", err)
	}
}

func TestEvictionWritesDirty(t *testing.T) {
	p, mem := newPager(t)
	nos := makePages(t, p, 100)
	bp := New(p, 0)
	for _, no := range nos {
		f, err := bp.Get(no)
		if err != nil {
			t.Fatal(err)
		}
		stamp(f, uint64(no)*1000)
		bp.MarkDirty(f)
		bp.Unpin(f)
	}
	s := bp.Stats()
	if s.Evictions < 100-minFrames || s.Writes < 100-minFrames || s.Dirty > minFrames {
		t.Fatalf("stats after dirtying 100 pages in 16 frames: %+v", s)
	}
	if err := bp.FlushAll(); err != nil {
		t.Fatal(err)
	}
	if bp.Stats().Dirty != 0 {
		t.Fatal("dirty frames after FlushAll")
	}
	// What was written is on disk: read it with a fresh pool.
	if err := p.Sync(); err != nil {
		t.Fatal(err)
	}
	_ = mem
	bp2 := New(p, 0)
	for _, no := range nos {
		f, err := bp2.Get(no)
		if err != nil {
			t.Fatal(err)
		}
		if stamped(f) != uint64(no)*1000 {
			t.Fatalf("block %d holds %d", no, stamped(f))
		}
		bp2.Unpin(f)
	}
}

func TestReadErrorNotCached(t *testing.T) {
	p, mem := newPager(t)
	nos := makePages(t, p, 3)
	bp := New(p, 0)
	// Corrupt block nos[1] behind everyone's back.
	data, _ := mem.ReadFile("data")
	f, _ := mem.OpenFile("data", 2, 0)
	off := int64(nos[1])*pager.PageSize + 100
	f.WriteAt([]byte{data[off] ^ 1}, off)
	f.Close()
	for range 2 {
		if _, err := bp.Get(nos[1]); !errors.Is(err, pager.ErrCorrupt) {
			t.Fatalf("Get of corrupt page: %v", err)
		}
	}
	if s := bp.Stats(); s.Pinned != 0 || s.Misses != 2 {
		t.Fatalf("stats after failed reads: %+v", s)
	}
}

func TestFree(t *testing.T) {
	p, _ := newPager(t)
	bp := New(p, 0)
	// A page of the current epoch: freed at once, never written.
	f, _ := bp.Allocate(pager.TypeLeaf)
	no := f.No()
	if err := bp.Free(f); err != nil {
		t.Fatal(err)
	}
	if s := bp.Stats(); s.Writes != 0 || s.Dirty != 0 {
		t.Fatalf("freeing a new page wrote it: %+v", s)
	}
	if p.FreePages() != 1 {
		t.Fatalf("free pages %d", p.FreePages())
	}
	f, _ = bp.Allocate(pager.TypeLeaf)
	if f.No() != no {
		t.Fatalf("reallocated %d, want %d", f.No(), no)
	}
	stamp(f, 42)
	// Cut a checkpoint: the dirty page now belongs to it, so freeing it
	// must write it first (the checkpoint still references it).
	cp := p.BeginCheckpoint()
	if err := bp.Free(f); err != nil {
		t.Fatal(err)
	}
	if s := bp.Stats(); s.Writes != 1 {
		t.Fatalf("freeing a dirty page of the ended epoch: %d writes", s.Writes)
	}
	buf := make([]byte, pager.PageSize)
	if err := p.ReadPage(no, buf); err != nil || binary.LittleEndian.Uint64(buf[pager.HeaderSize:]) != 42 {
		t.Fatalf("page not written before free: %v", err)
	}
	if err := p.FinishCheckpoint(cp, nil); err != nil {
		t.Fatal(err)
	}
	// Freeing with another pin held fails but releases the caller's pin.
	f, _ = bp.Allocate(pager.TypeLeaf)
	g, _ := bp.Get(f.No())
	if err := bp.Free(f); err == nil {
		t.Fatal("Free with two pins succeeded")
	}
	bp.Unpin(g)
	if s := bp.Stats(); s.Pinned != 0 {
		t.Fatalf("pinned %d", s.Pinned)
	}
}

func TestFlushUpTo(t *testing.T) {
	p, _ := newPager(t)
	bp := New(p, 0)
	old, _ := bp.Allocate(pager.TypeLeaf) // epoch 1
	bp.Unpin(old)
	cp := p.BeginCheckpoint()
	cur, _ := bp.Allocate(pager.TypeLeaf) // epoch 2
	bp.Unpin(cur)
	if err := bp.FlushUpTo(cp.Epoch()); err != nil {
		t.Fatal(err)
	}
	if s := bp.Stats(); s.Writes != 1 || s.Dirty != 1 {
		t.Fatalf("FlushUpTo(1) with pages of epochs 1 and 2: %+v", s)
	}
	if err := p.FinishCheckpoint(cp, nil); err != nil {
		t.Fatal(err)
	}
}

// TestScanResistance: a hot set that fits in the pool survives one
// sequential scan of many more pages (it would not under LRU).
func TestScanResistance(t *testing.T) {
	const frames = 64
	p, _ := newPager(t)
	nos := makePages(t, p, 1000)
	hot, cold := nos[:10], nos[10:]
	bp := New(p, frames*pager.PageSize)
	get := func(no pager.PageNo) {
		f, err := bp.Get(no)
		if err != nil {
			t.Fatal(err)
		}
		if stamped(f) != uint64(no) {
			t.Fatalf("block %d holds %d", no, stamped(f))
		}
		bp.Unpin(f)
	}
	// Warm up: the hot pages are used, pushed out of A1in by other pages,
	// and used again, which promotes them to Am.
	for round := range 3 {
		for _, no := range hot {
			get(no)
		}
		for _, no := range cold[round*frames : (round+1)*frames] {
			get(no)
		}
	}
	for _, no := range cold { // the scan
		get(no)
	}
	before := bp.Stats().Hits
	for _, no := range hot {
		get(no)
	}
	if got := bp.Stats().Hits - before; got != uint64(len(hot)) {
		t.Fatalf("%d of %d hot pages survived a scan", got, len(hot))
	}
}

func TestConcurrentGet(t *testing.T) {
	p, _ := newPager(t)
	nos := makePages(t, p, 200)
	bp := New(p, 32*pager.PageSize)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewSource(int64(g)))
			for range 3000 {
				no := nos[rng.Intn(len(nos))]
				if rng.Intn(2) == 0 {
					no = nos[rng.Intn(20)] // a hot set
				}
				f, err := bp.Get(no)
				if errors.Is(err, ErrPoolExhausted) {
					continue
				}
				if err != nil {
					errs <- err
					return
				}
				if f.No() != no || stamped(f) != uint64(no) {
					errs <- fmt.Errorf("Get(%d) gave block %d holding %d", no, f.No(), stamped(f))
				}
				bp.Unpin(f)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	s := bp.Stats()
	if s.Pinned != 0 || s.Hits+s.Misses == 0 {
		t.Fatalf("stats %+v", s)
	}
}

// TestConcurrentWriters: goroutines each own pages they dirty repeatedly,
// while evictions and flushes run; at the end every page holds its last
// value.
func TestConcurrentWriters(t *testing.T) {
	p, _ := newPager(t)
	bp := New(p, 16*pager.PageSize)
	const writers, perWriter = 4, 20
	nos := makePages(t, p, writers*perWriter)
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := nos[g*perWriter : (g+1)*perWriter]
			for round := range 50 {
				for _, no := range mine {
					f, err := bp.Get(no)
					if err != nil {
						if errors.Is(err, ErrPoolExhausted) {
							continue
						}
						t.Error(err)
						return
					}
					stamp(f, uint64(no)<<32|uint64(round))
					bp.MarkDirty(f)
					bp.Unpin(f)
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 20 {
			if err := bp.FlushUpTo(0); err != nil { // no page has epoch 0: exercises the scan only
				t.Error(err)
			}
		}
	}()
	wg.Wait()
	if err := bp.FlushAll(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, pager.PageSize)
	for _, no := range nos {
		if err := p.ReadPage(no, buf); err != nil {
			t.Fatal(err)
		}
		if v := binary.LittleEndian.Uint64(buf[pager.HeaderSize:]); v != uint64(no)<<32|49 {
			t.Fatalf("block %d holds %x", no, v)
		}
	}
}
