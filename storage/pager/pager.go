package pager

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/neuroquantumdb/nqdb/storage/vfs"
)

// maxUnwrittenTail bounds how far a checkpoint's page count may exceed the
// file's size: pages allocated and freed again before ever being written
// count in the page count but not in the file. Anything beyond the bound
// is corruption (and would otherwise make Open allocate a huge bitmap).
const maxUnwrittenTail = 1 << 20

// Pager manages one data file of PageSize pages: checksummed reads and
// writes, page allocation with a free list, and the checkpoint protocol
// that makes a consistent state durable (see the package documentation).
// All methods are safe for concurrent use.
type Pager struct {
	fs   vfs.FS
	path string
	file vfs.File

	epoch    atomic.Uint64 // epoch of pages written now
	numPages atomic.Uint32 // pages in use or free; the file may be shorter

	mu      sync.Mutex
	free    freeSet
	pending map[uint64][]PageNo // frees of possibly checkpointed pages, by the epoch they ran in
	cp      *Checkpoint         // the checkpoint in progress, if any
}

// Checkpoint is a cut made by BeginCheckpoint and completed by
// FinishCheckpoint.
type Checkpoint struct {
	epoch     uint64
	pageCount PageNo
	free      freeSet  // the free list at the cut
	pending   []PageNo // frees that the checkpoint makes reusable
}

// Epoch returns the epoch the checkpoint covers: pages with epoch <= Epoch
// must be flushed before FinishCheckpoint.
func (cp *Checkpoint) Epoch() uint64 { return cp.epoch }

// Open opens the data file at path, creating it if it does not exist, and
// returns the payload of its last durable checkpoint (nil for a new file).
// The current epoch is then that checkpoint's epoch + 1 (1 for a new file).
// A file whose meta pages or checkpoint chain are damaged is refused with a
// *CorruptionError naming the page.
func Open(fs vfs.FS, path string) (p *Pager, payload []byte, err error) {
	f, err := fs.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("storage: open data file: %w", err)
	}
	p = &Pager{fs: fs, path: path, file: f, pending: map[uint64][]PageNo{}}
	payload, err = p.load()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return p, payload, nil
}

func (p *Pager) load() ([]byte, error) {
	size, err := p.file.Size()
	if err != nil {
		return nil, p.ioErr("stat", 0, err)
	}
	if size == 0 {
		return nil, p.create()
	}
	filePages := size / PageSize

	var buf [2][PageSize]byte
	var metas [2]meta
	var errs [2]error
	for i := range 2 {
		errs[i] = p.readRaw(PageNo(i), buf[i][:], size)
		if errs[i] == nil {
			metas[i], errs[i] = decodeMeta(p.path, PageNo(i), buf[i][:])
		}
	}
	best := -1
	for i := range 2 {
		if errs[i] == nil && (best < 0 || metas[i].epoch > metas[best].epoch) {
			best = i
		}
	}
	if best < 0 {
		// A crash while creating the file can leave it with unsynced,
		// zero meta pages and nothing else: that is a new file.
		if size <= 2*PageSize && isZero(buf[0][:]) && isZero(buf[1][:]) {
			return nil, p.create()
		}
		var ce *CorruptionError
		if !errors.As(errs[0], &ce) {
			return nil, errs[0]
		}
		if !errors.As(errs[1], &ce) {
			return nil, errs[1]
		}
		return nil, &CorruptionError{File: p.path, Page: 0, Reason: fmt.Sprintf(
			"no valid meta page: block 0: %s; block 1: %s", reason(errs[0]), reason(errs[1]))}
	}
	m := metas[best]
	if int64(m.pageCount) > filePages+maxUnwrittenTail {
		return nil, &CorruptionError{File: p.path, Page: PageNo(best), Reason: fmt.Sprintf(
			"page count %d is far beyond the file's %d pages", m.pageCount, filePages)}
	}

	numPages := m.pageCount
	var chain []PageNo
	var payload []byte
	if m.chainHead != 0 {
		var stream []byte
		chain, stream, err = p.readChain(m, size)
		if err != nil {
			return nil, err
		}
		for _, c := range chain {
			numPages = max(numPages, c+1)
		}
		payload, err = p.decodeStream(m, stream, chain[0])
		if err != nil {
			return nil, err
		}
	}
	// Pages at or beyond the page count were allocated after the cut: no
	// checkpointed tree references them.
	for no := m.pageCount; no < numPages; no++ {
		p.free.add(no)
	}
	// The chain must survive until the next checkpoint is durable: until
	// then a crash recovers from this one again.
	for _, c := range chain {
		p.free.remove(c)
	}
	p.epoch.Store(m.epoch + 1)
	p.numPages.Store(uint32(numPages))
	if len(chain) > 0 {
		p.pending[m.epoch+1] = chain
	}
	if m.epoch == 0 {
		return nil, nil
	}
	return payload, nil
}

func reason(err error) string {
	var ce *CorruptionError
	if errors.As(err, &ce) {
		return ce.Reason
	}
	return err.Error()
}

// readChain follows the chain from m.chainHead, verifying every page, and
// returns its page numbers and the concatenated stream.
func (p *Pager) readChain(m meta, size int64) ([]PageNo, []byte, error) {
	chain := make([]PageNo, 0, m.chainPages)
	stream := make([]byte, 0, m.streamLen)
	var buf [PageSize]byte
	seen := map[PageNo]bool{}
	for no := m.chainHead; no != 0; {
		bad := func(format string, args ...any) error {
			return &CorruptionError{File: p.path, Page: no, Reason: fmt.Sprintf(format, args...)}
		}
		if no < firstData {
			return nil, nil, bad("checkpoint chain points to meta page")
		}
		if seen[no] || uint32(len(chain)) >= m.chainPages {
			return nil, nil, bad("checkpoint chain is longer than the %d pages its meta page records", m.chainPages)
		}
		seen[no] = true
		if err := p.readRaw(no, buf[:], size); err != nil {
			return nil, nil, err
		}
		if err := VerifyPage(p.path, no, buf[:]); err != nil {
			return nil, nil, err
		}
		if Type(buf[:]) != TypeChain {
			return nil, nil, bad("checkpoint chain page has page type %d", Type(buf[:]))
		}
		used := binary.LittleEndian.Uint32(buf[cOffUsed:])
		if used > chainCap || uint64(len(stream))+uint64(used) > m.streamLen {
			return nil, nil, bad("checkpoint chain page holds %d bytes, more than fit", used)
		}
		stream = append(stream, buf[cOffData:cOffData+used]...)
		chain = append(chain, no)
		no = PageNo(binary.LittleEndian.Uint32(buf[cOffNext:]))
	}
	if uint32(len(chain)) != m.chainPages || uint64(len(stream)) != m.streamLen {
		return nil, nil, &CorruptionError{File: p.path, Page: m.chainHead, Reason: fmt.Sprintf(
			"checkpoint chain has %d pages and %d bytes, its meta page records %d and %d",
			len(chain), len(stream), m.chainPages, m.streamLen)}
	}
	return chain, stream, nil
}

// decodeStream parses a checkpoint stream into p.free and returns the
// payload (a copy the caller owns).
//
// Stream format: uvarint page count, uvarint number of free pages, that many
// uvarint gaps (first page - 0, then page - previous page, each >= 1), then
// the payload.
func (p *Pager) decodeStream(m meta, stream []byte, head PageNo) ([]byte, error) {
	bad := func(format string, args ...any) error {
		return &CorruptionError{File: p.path, Page: head, Reason: "checkpoint stream: " + fmt.Sprintf(format, args...)}
	}
	next := func() (uint64, error) {
		v, n := binary.Uvarint(stream)
		if n <= 0 {
			return 0, bad("truncated or overlong varint")
		}
		stream = stream[n:]
		return v, nil
	}
	pc, err := next()
	if err != nil {
		return nil, err
	}
	if pc != uint64(m.pageCount) {
		return nil, bad("page count %d differs from the meta page's %d", pc, m.pageCount)
	}
	nfree, err := next()
	if err != nil {
		return nil, err
	}
	if nfree > uint64(m.pageCount) {
		return nil, bad("%d free pages of %d", nfree, m.pageCount)
	}
	prev := uint64(0)
	for i := uint64(0); i < nfree; i++ {
		gap, err := next()
		if err != nil {
			return nil, err
		}
		no := prev + gap
		if (i > 0 && gap == 0) || no < firstData || no >= uint64(m.pageCount) {
			return nil, bad("free page %d out of order or range", no)
		}
		p.free.add(PageNo(no))
		prev = no
	}
	if uint64(len(stream)) != m.payloadLen {
		return nil, bad("payload has %d bytes, the meta page records %d", len(stream), m.payloadLen)
	}
	return append([]byte{}, stream...), nil
}

// create initialises an empty file: both meta pages describe checkpoint 0
// (no pages besides the metas, no payload).
func (p *Pager) create() error {
	var page [PageSize]byte
	encodeMeta(page[:], meta{pageCount: firstData})
	for no := range PageNo(2) {
		if _, err := p.file.WriteAt(page[:], int64(no)*PageSize); err != nil {
			return p.ioErr("write", no, err)
		}
	}
	if err := p.file.Sync(); err != nil {
		return p.ioErr("sync", 0, err)
	}
	if err := p.fs.SyncDir(filepath.Dir(p.path)); err != nil {
		return fmt.Errorf("storage: sync directory of %q: %w", p.path, err)
	}
	p.epoch.Store(1)
	p.numPages.Store(firstData)
	return nil
}

// readRaw reads page no without verifying it; a page beyond the end of the
// file is a *CorruptionError.
func (p *Pager) readRaw(no PageNo, buf []byte, size int64) error {
	n, err := p.file.ReadAt(buf, int64(no)*PageSize)
	if n == PageSize {
		return nil
	}
	if err == nil || err == io.EOF {
		clear(buf[n:])
		return &CorruptionError{File: p.path, Page: no, Reason: fmt.Sprintf(
			"could not read block: read only %d of %d bytes (file has %d bytes)", n, PageSize, size)}
	}
	return p.ioErr("read", no, err)
}

func (p *Pager) ioErr(op string, no PageNo, err error) error {
	return fmt.Errorf("storage: %s block %d of file %q: %w", op, no, p.path, err)
}

// Path returns the data file's path as given to Open.
func (p *Pager) Path() string { return p.path }

// Epoch returns the current epoch: the one pages written now belong to.
func (p *Pager) Epoch() uint64 { return p.epoch.Load() }

// NumPages returns the number of pages (used, free or meta); page numbers
// below it are valid.
func (p *Pager) NumPages() PageNo { return PageNo(p.numPages.Load()) }

// FreePages returns the number of pages Allocate can hand out without
// growing the file (pending frees not included).
func (p *Pager) FreePages() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.free.count
}

// ReadPage reads page no into buf (len PageSize) and verifies its checksum:
// a mismatch, or a page that was never written, is a *CorruptionError.
func (p *Pager) ReadPage(no PageNo, buf []byte) error {
	if len(buf) != PageSize {
		return fmt.Errorf("storage: ReadPage buffer has %d bytes, want %d", len(buf), PageSize)
	}
	if uint32(no) >= p.numPages.Load() {
		return fmt.Errorf("storage: ReadPage of block %d beyond the %d pages of file %q", no, p.NumPages(), p.path)
	}
	n, err := p.file.ReadAt(buf, int64(no)*PageSize)
	if n < PageSize {
		if err != nil && err != io.EOF {
			return p.ioErr("read", no, err)
		}
		clear(buf[n:])
	}
	return VerifyPage(p.path, no, buf)
}

// WritePage stores buf's checksum in buf[0:4] and writes it as page no.
// Durability needs a later Sync (or a checkpoint).
func (p *Pager) WritePage(no PageNo, buf []byte) error {
	if len(buf) != PageSize {
		return fmt.Errorf("storage: WritePage buffer has %d bytes, want %d", len(buf), PageSize)
	}
	if no < firstData || uint32(no) >= p.numPages.Load() {
		return fmt.Errorf("storage: WritePage of block %d outside the data pages [2, %d) of file %q", no, p.NumPages(), p.path)
	}
	SetChecksum(buf)
	if _, err := p.file.WriteAt(buf, int64(no)*PageSize); err != nil {
		return p.ioErr("write", no, err)
	}
	return nil
}

// Allocate returns a page for the caller to write: the lowest free page, or
// a new one at the end of the file. Its content is undefined until written.
func (p *Pager) Allocate() PageNo {
	p.mu.Lock()
	defer p.mu.Unlock()
	if no, ok := p.free.take(); ok {
		return no
	}
	n := p.numPages.Load()
	if n == ^uint32(0) {
		panic("storage: data file has 2^32 pages")
	}
	p.numPages.Store(n + 1)
	return PageNo(n)
}

// Free gives page no back. pageEpoch is the epoch stored in the page (the
// epoch it was last written in). A page of the current epoch is in no
// checkpoint and is reusable at once; an older page may be referenced by
// the last durable checkpoint or the one being written, so it becomes
// reusable only when the checkpoint covering the current epoch is durable.
//
// Freeing a page twice, or a meta page, is a bug in the caller and panics:
// going on would hand the page to two owners.
func (p *Pager) Free(no PageNo, pageEpoch uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if no < firstData || uint32(no) >= p.numPages.Load() {
		panic(fmt.Sprintf("storage: Free of block %d outside the data pages [2, %d)", no, p.numPages.Load()))
	}
	cur := p.epoch.Load()
	if pageEpoch >= cur {
		if !p.free.add(no) {
			panic(fmt.Sprintf("storage: block %d freed twice", no))
		}
		return
	}
	if p.free.has(no) {
		panic(fmt.Sprintf("storage: block %d freed twice", no))
	}
	p.pending[cur] = append(p.pending[cur], no)
}

// BeginCheckpoint cuts a checkpoint: the current epoch e ends and e+1
// begins. The caller must hold its own writer lock across the call so that
// no page changes during the cut; afterwards, pages of epoch <= e are never
// changed in place again (copy-on-write), so the caller can flush them
// while writers go on. Only one checkpoint may be in progress at a time.
func (p *Pager) BeginCheckpoint() *Checkpoint {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cp != nil {
		panic("storage: BeginCheckpoint while another checkpoint is in progress")
	}
	e := p.epoch.Load()
	p.epoch.Store(e + 1)
	cp := &Checkpoint{epoch: e, pageCount: PageNo(p.numPages.Load()), free: p.free.clone()}
	// Pending frees of epoch e and of earlier epochs whose checkpoint
	// failed: checkpoint e no longer references them.
	for k, pages := range p.pending {
		if k <= e {
			cp.pending = append(cp.pending, pages...)
			delete(p.pending, k)
		}
	}
	p.cp = cp
	return cp
}

// FinishCheckpoint makes checkpoint cp durable with payload (any length; it
// is what Open returns after a crash). The caller must have written every
// dirty page with epoch <= cp.Epoch(). Steps: sync the data file; write the
// free list, page count and payload to a chain of new pages; sync; write the
// meta page (slot epoch%2, so the previous checkpoint's meta survives a torn
// write); sync. Reads, writes, Allocate and Free may run concurrently.
//
// On error the checkpoint is abandoned (the next one covers its frees), but
// a failed sync leaves the file's durable state unknown; the caller should
// stop writing and recover by reopening, as PostgreSQL PANICs on a failed
// fsync.
func (p *Pager) FinishCheckpoint(cp *Checkpoint, payload []byte) (err error) {
	p.mu.Lock()
	if p.cp != cp {
		p.mu.Unlock()
		return errors.New("storage: FinishCheckpoint of a checkpoint that is not in progress")
	}
	p.mu.Unlock()

	var chain []PageNo
	defer func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		cur := p.epoch.Load()
		if err != nil {
			p.pending[cp.epoch] = append(p.pending[cp.epoch], cp.pending...)
		} else {
			for _, no := range cp.pending {
				p.free.add(no)
			}
		}
		// The chain (new or abandoned) stays until the next checkpoint
		// is durable: a crash before then recovers from cp.
		p.pending[cur] = append(p.pending[cur], chain...)
		p.cp = nil
	}()

	if err := p.file.Sync(); err != nil {
		return p.ioErr("sync", 0, err)
	}

	// The durable free list: free at the cut plus the frees this
	// checkpoint releases.
	durable := cp.free.clone()
	for _, no := range cp.pending {
		durable.add(no)
	}
	stream := make([]byte, 0, 2*binary.MaxVarintLen32+durable.count*2+len(payload))
	stream = binary.AppendUvarint(stream, uint64(cp.pageCount))
	stream = binary.AppendUvarint(stream, uint64(durable.count))
	prev := PageNo(0)
	durable.each(func(no PageNo) {
		stream = binary.AppendUvarint(stream, uint64(no-prev))
		prev = no
	})
	stream = append(stream, payload...)

	nChain := (len(stream) + chainCap - 1) / chainCap
	chain = make([]PageNo, nChain)
	for i := range chain {
		chain[i] = p.Allocate()
	}
	var page [PageSize]byte
	cur := p.Epoch()
	for i, no := range chain {
		clear(page[:])
		SetType(page[:], TypeChain)
		SetEpoch(page[:], cur)
		next := PageNo(0)
		if i+1 < len(chain) {
			next = chain[i+1]
		}
		part := stream[i*chainCap : min((i+1)*chainCap, len(stream))]
		binary.LittleEndian.PutUint32(page[cOffNext:], uint32(next))
		binary.LittleEndian.PutUint32(page[cOffUsed:], uint32(len(part)))
		copy(page[cOffData:], part)
		if err := p.WritePage(no, page[:]); err != nil {
			return err
		}
	}
	if err := p.file.Sync(); err != nil {
		return p.ioErr("sync", 0, err)
	}

	slot := PageNo(cp.epoch % 2)
	encodeMeta(page[:], meta{
		epoch:      cp.epoch,
		pageCount:  cp.pageCount,
		chainHead:  chain[0],
		chainPages: uint32(len(chain)),
		streamLen:  uint64(len(stream)),
		payloadLen: uint64(len(payload)),
	})
	if _, err := p.file.WriteAt(page[:], int64(slot)*PageSize); err != nil {
		return p.ioErr("write", slot, err)
	}
	if err := p.file.Sync(); err != nil {
		return p.ioErr("sync", slot, err)
	}
	return nil
}

// Sync makes every page written so far durable.
func (p *Pager) Sync() error {
	if err := p.file.Sync(); err != nil {
		return p.ioErr("sync", 0, err)
	}
	return nil
}

// Close closes the data file. It does not sync: what is durable is the last
// checkpoint (and whatever the caller synced).
func (p *Pager) Close() error {
	return p.file.Close()
}

// PendingFrees returns the number of freed pages waiting for a checkpoint
// before they can be reused (for tests and monitoring).
func (p *Pager) PendingFrees() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, pages := range p.pending {
		n += len(pages)
	}
	return n
}

// FreeList returns the free pages in increasing order (for tests and
// tools).
func (p *Pager) FreeList() []PageNo {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []PageNo
	p.free.each(func(no PageNo) { out = append(out, no) })
	return slices.Clip(out)
}
