package bufpool

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/neuroquantumdb/nqdb/storage/pager"
)

// ErrPoolExhausted is returned by Get and Allocate when a frame is needed
// and every frame is pinned.
var ErrPoolExhausted = errors.New("storage: buffer pool exhausted: every frame is pinned")

// recentSlots is the size of Pool.recent, a power of two: enough for
// the inner levels of the hot trees and many leaves.
const recentSlots = 4096

// minFrames is the smallest pool: a B+tree operation pins a root-to-leaf
// path plus a few siblings and overflow pages at once.
const minFrames = 16

// Which list a frame is on.
const (
	listFree = iota // holds no page
	listA1in        // seen once recently (FIFO)
	listAm          // seen again after leaving A1in (LRU)
)

// Frame is one page-sized buffer of the pool and the page it holds.
type Frame struct {
	no   pager.PageNo
	data []byte

	// Guarded by Pool.mu.
	pins     int32
	dirty    bool
	dirtyGen uint32 // bumped by MarkDirty: a flush clears dirty only if unchanged
	loading  bool   // a read into data is under way; waiters block on Pool.cond
	busy     bool   // a write of data is under way before eviction; not pinnable
	flushing int32  // FlushUpTo writes under way; not evictable, Free waits
	list     uint8
	prev     *Frame
	next     *Frame
}

// No returns the page number the frame holds.
func (f *Frame) No() pager.PageNo { return f.no }

// Data returns the page image (PageSize bytes). Read it only while pinned;
// change it only while pinned and then call MarkDirty.
func (f *Frame) Data() []byte { return f.data }

// frameList is a doubly linked list with a sentinel; front is most recent.
type frameList struct {
	root Frame
	n    int
}

func (l *frameList) init() { l.root.next, l.root.prev = &l.root, &l.root }

func (l *frameList) pushFront(f *Frame) {
	f.prev, f.next = &l.root, l.root.next
	l.root.next.prev = f
	l.root.next = f
	l.n++
}

func (l *frameList) remove(f *Frame) {
	f.prev.next, f.next.prev = f.next, f.prev
	f.prev, f.next = nil, nil
	l.n--
}

// back returns the least recent frame, or nil.
func (l *frameList) back() *Frame {
	if l.n == 0 {
		return nil
	}
	return l.root.prev
}

// Pool caches pages of one Pager in a fixed number of frames. It is safe
// for concurrent use; see the package documentation for the eviction
// policy.
type Pool struct {
	pg *pager.Pager

	mu     sync.Mutex
	cond   *sync.Cond // signalled when a frame finishes loading or writing
	frames []Frame
	table  map[pager.PageNo]*Frame
	free   []*Frame
	a1in   frameList
	am     frameList
	ghosts ghostList
	kin    int // A1in's target size

	hits, misses, evictions, writes uint64

	// recent is a direct-mapped cache in front of table: a lookup by
	// page number hits one slot instead of probing a map of every
	// cached page (a cache miss or two per B+tree level of a key
	// lookup). A slot is a hint, checked under mu: its frame holds the
	// page when f.no matches and the frame is on a list (table holds
	// exactly the frames on a list).
	recent [recentSlots]*Frame

	flushMu sync.Mutex // one flush at a time; see FlushUpTo
	scratch sync.Pool  // *[PageSize]byte for writes, see writeFrame
}

// Stats are the pool's counters.
type Stats struct {
	Hits      uint64 // Get found the page in a frame
	Misses    uint64 // Get had to read the page
	Evictions uint64 // a frame's page was dropped to make room
	Writes    uint64 // pages written (eviction, flush, Free)
	Frames    int    // frames in the pool
	Pinned    int    // frames pinned now
	Dirty     int    // frames with unwritten changes now
}

// New returns a pool over p with budgetBytes of page memory
// (budgetBytes/PageSize frames, at least 16).
func New(p *pager.Pager, budgetBytes int64) *Pool {
	n := max(int(budgetBytes/pager.PageSize), minFrames)
	bp := &Pool{
		pg:     p,
		frames: make([]Frame, n),
		table:  make(map[pager.PageNo]*Frame, n),
		free:   make([]*Frame, 0, n),
		kin:    max(n/4, 1),
	}
	bp.cond = sync.NewCond(&bp.mu)
	bp.a1in.init()
	bp.am.init()
	bp.ghosts.init(max(n/2, 1))
	arena := make([]byte, n*pager.PageSize)
	for i := range bp.frames {
		f := &bp.frames[i]
		f.data = arena[i*pager.PageSize : (i+1)*pager.PageSize : (i+1)*pager.PageSize]
	}
	// Hand out low frames first (pushing in reverse so frames[0] is on top).
	for i := n - 1; i >= 0; i-- {
		bp.free = append(bp.free, &bp.frames[i])
	}
	bp.scratch.New = func() any { return new([pager.PageSize]byte) }
	return bp
}

// Pager returns the pager the pool reads and writes through.
func (bp *Pool) Pager() *pager.Pager { return bp.pg }

// Get returns page no pinned, reading it (and verifying its checksum) if it
// is not cached. The caller must Unpin it.
func (bp *Pool) Get(no pager.PageNo) (*Frame, error) {
	bp.mu.Lock()
	for {
		slot := &bp.recent[uint32(no)%recentSlots]
		f := *slot
		if f == nil || f.no != no || f.list == listFree {
			f = bp.table[no]
			if f != nil {
				*slot = f
			}
		}
		if f != nil {
			if f.loading || f.busy {
				bp.cond.Wait()
				continue
			}
			f.pins++
			bp.hits++
			if f.list == listAm && bp.am.root.next != f {
				bp.am.remove(f)
				bp.am.pushFront(f)
			}
			bp.mu.Unlock()
			return f, nil
		}
		f, err := bp.reclaimLocked()
		if err != nil {
			bp.mu.Unlock()
			return nil, err
		}
		if f == nil {
			continue // a dirty victim was written; look again
		}
		bp.misses++
		f.no = no
		f.pins = 1
		f.loading = true
		bp.table[no] = f
		if bp.ghosts.remove(no) {
			f.list = listAm
			bp.am.pushFront(f)
		} else {
			f.list = listA1in
			bp.a1in.pushFront(f)
		}
		bp.mu.Unlock()

		err = bp.pg.ReadPage(no, f.data)

		bp.mu.Lock()
		f.loading = false
		if err != nil {
			bp.dropLocked(f)
			bp.cond.Broadcast()
			bp.mu.Unlock()
			return nil, err
		}
		bp.cond.Broadcast()
		bp.mu.Unlock()
		return f, nil
	}
}

// Allocate allocates a new page from the pager and returns it pinned and
// dirty, zeroed, with page type typ and the pager's current epoch.
func (bp *Pool) Allocate(typ byte) (*Frame, error) {
	no := bp.pg.Allocate()
	bp.mu.Lock()
	var f *Frame
	for {
		if old, ok := bp.table[no]; ok {
			// A stale frame of a page freed behind the pool's back.
			if old.pins > 0 || old.loading || old.busy {
				bp.mu.Unlock()
				bp.pg.Free(no, bp.pg.Epoch())
				return nil, fmt.Errorf("storage: allocated block %d is still pinned in the buffer pool", no)
			}
			bp.dropLocked(old)
		}
		var err error
		f, err = bp.reclaimLocked()
		if err != nil {
			bp.mu.Unlock()
			bp.pg.Free(no, bp.pg.Epoch())
			return nil, err
		}
		if f != nil {
			break
		}
	}
	clear(f.data)
	pager.SetType(f.data, typ)
	pager.SetEpoch(f.data, bp.pg.Epoch())
	f.no = no
	f.pins = 1
	f.dirty = true
	f.dirtyGen++
	f.list = listA1in
	bp.a1in.pushFront(f)
	bp.table[no] = f
	bp.mu.Unlock()
	return f, nil
}

// Unpin releases one pin of f.
func (bp *Pool) Unpin(f *Frame) {
	bp.mu.Lock()
	if f.pins <= 0 {
		bp.mu.Unlock()
		panic(fmt.Sprintf("storage: Unpin of block %d, which is not pinned", f.no))
	}
	f.pins--
	bp.mu.Unlock()
}

// MarkDirty records that f's data changed and must be written before the
// frame is reused. f must be pinned.
func (bp *Pool) MarkDirty(f *Frame) {
	bp.mu.Lock()
	f.dirty = true
	f.dirtyGen++
	bp.mu.Unlock()
}

// Free releases the caller's pin on f and frees its page in the pager. The
// caller must hold the only pin. A dirty page of an older epoch belongs to
// a checkpoint still being flushed, so it is written first.
func (bp *Pool) Free(f *Frame) error {
	bp.mu.Lock()
	for f.flushing > 0 {
		bp.cond.Wait() // let FlushUpTo finish with the frame first
	}
	if f.pins != 1 {
		pins := f.pins
		if pins > 0 {
			f.pins--
		}
		bp.mu.Unlock()
		return fmt.Errorf("storage: Free of block %d with %d pins (want exactly the caller's)", f.no, pins)
	}
	no, epoch := f.no, pager.Epoch(f.data)
	if f.dirty && epoch < bp.pg.Epoch() {
		// Keep the frame pinned (so nobody evicts it) and busy (so nobody
		// pins it) while writing outside the lock.
		f.busy = true
		bp.mu.Unlock()
		err := bp.writeFrame(f)
		bp.mu.Lock()
		f.busy = false
		bp.cond.Broadcast()
		if err != nil {
			f.pins--
			bp.mu.Unlock()
			return err
		}
		f.dirty = false
	}
	f.pins = 0
	bp.dropLocked(f)
	bp.mu.Unlock()
	bp.pg.Free(no, epoch)
	return nil
}

// FlushUpTo writes every dirty frame whose page epoch is <= epoch, in page
// order. Pages of an epoch that has ended are never changed in place
// (copy-on-write), so this runs while writers go on; flushing the current
// epoch (FlushAll) needs writers quiesced.
//
// Frames are marked one at a time while written, so a flush never makes
// more than one frame unevictable.
func (bp *Pool) FlushUpTo(epoch uint64) error {
	bp.flushMu.Lock()
	defer bp.flushMu.Unlock()
	type job struct {
		f  *Frame
		no pager.PageNo
	}
	var jobs []job
	bp.mu.Lock()
	for i := range bp.frames {
		f := &bp.frames[i]
		if f.list != listFree && f.dirty && !f.loading && pager.Epoch(f.data) <= epoch {
			jobs = append(jobs, job{f, f.no})
		}
	}
	bp.mu.Unlock()
	slices.SortFunc(jobs, func(a, b job) int { return cmp.Compare(a.no, b.no) })

	for _, j := range jobs {
		f := j.f
		bp.mu.Lock()
		// An eviction or a Free writing the frame must finish first:
		// when FlushUpTo returns, the page must be written.
		for f.busy {
			bp.cond.Wait()
		}
		// Evicted meanwhile (and so written), or freed, or flushed?
		if f.no != j.no || f.list == listFree || !f.dirty || f.loading || pager.Epoch(f.data) > epoch {
			bp.mu.Unlock()
			continue
		}
		// Not a pin: a concurrent Free by the page's owner must not see a
		// second pin and fail. Eviction skips flushing frames, Free waits.
		f.flushing++
		gen := f.dirtyGen
		bp.mu.Unlock()

		err := bp.writeFrame(f)

		bp.mu.Lock()
		if err == nil && f.dirtyGen == gen {
			f.dirty = false
		}
		f.flushing--
		bp.cond.Broadcast()
		bp.mu.Unlock()
		if err != nil {
			return err
		}
	}
	return nil
}

// FlushAll writes every dirty frame. Writers must be quiesced.
func (bp *Pool) FlushAll() error { return bp.FlushUpTo(^uint64(0)) }

// Stats returns the pool's counters.
func (bp *Pool) Stats() Stats {
	bp.mu.Lock()
	defer bp.mu.Unlock()
	s := Stats{Hits: bp.hits, Misses: bp.misses, Evictions: bp.evictions, Writes: bp.writes, Frames: len(bp.frames)}
	for i := range bp.frames {
		f := &bp.frames[i]
		if f.pins > 0 {
			s.Pinned++
		}
		if f.dirty {
			s.Dirty++
		}
	}
	return s
}

// writeFrame writes f's page from a private copy: WritePage stores the
// checksum into the buffer it is given, and f.data may be read (copied by a
// copy-on-write) meanwhile. f must be pinned or busy.
func (bp *Pool) writeFrame(f *Frame) error {
	buf := bp.scratch.Get().(*[pager.PageSize]byte)
	copy(buf[:], f.data)
	err := bp.pg.WritePage(f.no, buf[:])
	bp.scratch.Put(buf)
	if err == nil {
		bp.mu.Lock()
		bp.writes++
		bp.mu.Unlock()
	}
	return err
}

// dropLocked removes f's page from the pool and puts f on the free list.
func (bp *Pool) dropLocked(f *Frame) {
	delete(bp.table, f.no)
	bp.unlinkLocked(f)
	f.pins = 0
	f.dirty = false
	bp.free = append(bp.free, f)
}

func (bp *Pool) unlinkLocked(f *Frame) {
	switch f.list {
	case listA1in:
		bp.a1in.remove(f)
	case listAm:
		bp.am.remove(f)
	}
	f.list = listFree
}

// reclaimLocked returns a frame holding no page, unlinked from every list,
// evicting a page if needed (2Q: from A1in while it is over its share, its
// page number remembered in A1out; else the LRU end of Am). If the victim is
// dirty it writes it, with bp.mu released, and returns (nil, nil): the
// caller must look its page up again, since the world changed meanwhile.
// The same if it had to wait for a frame that is being read or written.
func (bp *Pool) reclaimLocked() (*Frame, error) {
	if n := len(bp.free); n > 0 {
		f := bp.free[n-1]
		bp.free = bp.free[:n-1]
		return f, nil
	}
	var victim *Frame
	if bp.a1in.n > bp.kin {
		victim = lastUnpinned(&bp.a1in)
	}
	if victim == nil {
		victim = lastUnpinned(&bp.am)
	}
	if victim == nil {
		victim = lastUnpinned(&bp.a1in)
	}
	if victim == nil {
		if bp.transientLocked() {
			// Some frame is only being read or written: wait for it
			// rather than fail.
			bp.cond.Wait()
			return nil, nil
		}
		return nil, ErrPoolExhausted
	}
	if victim.dirty {
		victim.busy = true
		victim.pins++
		gen := victim.dirtyGen
		bp.mu.Unlock()
		err := bp.writeFrame(victim)
		bp.mu.Lock()
		victim.busy = false
		victim.pins--
		if err == nil && victim.dirtyGen == gen {
			victim.dirty = false
		}
		bp.cond.Broadcast()
		return nil, err
	}
	if victim.list == listA1in {
		bp.ghosts.add(victim.no)
	}
	delete(bp.table, victim.no)
	bp.unlinkLocked(victim)
	bp.evictions++
	return victim, nil
}

// transientLocked reports whether some unpinned-by-users frame is busy only
// for the moment (loading, being written, being flushed).
func (bp *Pool) transientLocked() bool {
	for i := range bp.frames {
		f := &bp.frames[i]
		if f.flushing > 0 || f.busy || (f.loading && f.pins == 1) {
			return true
		}
	}
	return false
}

// lastUnpinned returns the least recent frame of l that can be evicted.
func lastUnpinned(l *frameList) *Frame {
	for f := l.root.prev; f != &l.root; f = f.prev {
		if f.pins == 0 && f.flushing == 0 && !f.loading && !f.busy {
			return f
		}
	}
	return nil
}
