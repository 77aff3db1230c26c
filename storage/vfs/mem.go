package vfs

import (
	"io"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// CrashBlockSize is the unit in which MemFS.Crash decides what unsynced data
// survives: the page size of the storage engine.
const CrashBlockSize = 8192

// crashSector is the atomic unit of a disk write; a torn block is new up to
// (or from) a sector boundary.
const crashSector = 512

// MemFS is an in-memory FS for tests. It is safe for concurrent use.
//
// Besides each file's current bytes it keeps the bytes as of the file's last
// Sync, so that Crash can produce what a disk might hold after a power loss.
type MemFS struct {
	mu    sync.Mutex
	files map[string]*memNode
	dirs  map[string]struct{}
}

type memNode struct {
	mu     sync.RWMutex
	data   []byte // current contents
	synced []byte // contents as of the last Sync
}

// NewMem returns an empty in-memory file system; its root ("/" and ".")
// exists.
func NewMem() *MemFS {
	return &MemFS{files: map[string]*memNode{}, dirs: map[string]struct{}{}}
}

var _ FS = (*MemFS)(nil)

func clean(name string) string { return filepath.Clean(name) }

func isRoot(dir string) bool { return dir == "." || dir == string(filepath.Separator) }

// dirExistsLocked reports whether dir is a directory; m.mu must be held.
func (m *MemFS) dirExistsLocked(dir string) bool {
	if isRoot(dir) {
		return true
	}
	_, ok := m.dirs[dir]
	return ok
}

// OpenFile implements FS.
func (m *MemFS) OpenFile(name string, flag int, perm os.FileMode) (File, error) {
	name = clean(name)
	m.mu.Lock()
	defer m.mu.Unlock()
	if flag&os.O_APPEND != 0 {
		return nil, &os.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if m.dirExistsLocked(name) {
		return nil, &os.PathError{Op: "open", Path: name, Err: syscallEISDIR}
	}
	n, ok := m.files[name]
	switch {
	case ok && flag&os.O_CREATE != 0 && flag&os.O_EXCL != 0:
		return nil, &os.PathError{Op: "open", Path: name, Err: fs.ErrExist}
	case !ok && flag&os.O_CREATE == 0:
		return nil, &os.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	case !ok:
		if !m.dirExistsLocked(filepath.Dir(name)) {
			return nil, &os.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		n = &memNode{}
		m.files[name] = n
	}
	writable := flag&(os.O_WRONLY|os.O_RDWR) != 0
	if flag&os.O_TRUNC != 0 && writable {
		n.mu.Lock()
		n.data = n.data[:0]
		n.mu.Unlock()
	}
	return &memFile{node: n, name: name, writable: writable}, nil
}

// Remove implements FS.
func (m *MemFS) Remove(name string) error {
	name = clean(name)
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.files[name]; ok {
		delete(m.files, name)
		return nil
	}
	if _, ok := m.dirs[name]; ok {
		if len(m.childrenLocked(name)) > 0 {
			return &os.PathError{Op: "remove", Path: name, Err: syscallENOTEMPTY}
		}
		delete(m.dirs, name)
		return nil
	}
	return &os.PathError{Op: "remove", Path: name, Err: fs.ErrNotExist}
}

// Rename implements FS for files (directories cannot be renamed).
func (m *MemFS) Rename(oldname, newname string) error {
	oldname, newname = clean(oldname), clean(newname)
	m.mu.Lock()
	defer m.mu.Unlock()
	n, ok := m.files[oldname]
	if !ok {
		return &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: fs.ErrNotExist}
	}
	if !m.dirExistsLocked(filepath.Dir(newname)) || m.dirExistsLocked(newname) {
		return &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: fs.ErrInvalid}
	}
	delete(m.files, oldname)
	m.files[newname] = n
	return nil
}

// MkdirAll implements FS.
func (m *MemFS) MkdirAll(dir string, perm os.FileMode) error {
	dir = clean(dir)
	m.mu.Lock()
	defer m.mu.Unlock()
	for d := dir; !isRoot(d); d = filepath.Dir(d) {
		if _, ok := m.files[d]; ok {
			return &os.PathError{Op: "mkdir", Path: d, Err: syscallENOTDIR}
		}
		m.dirs[d] = struct{}{}
	}
	return nil
}

func (m *MemFS) childrenLocked(dir string) []string {
	var names []string
	add := func(p string) {
		if p != dir && filepath.Dir(p) == dir {
			names = append(names, filepath.Base(p))
		}
	}
	for p := range m.files {
		add(p)
	}
	for p := range m.dirs {
		add(p)
	}
	return names
}

// ReadDir implements FS.
func (m *MemFS) ReadDir(dir string) ([]string, error) {
	dir = clean(dir)
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.dirExistsLocked(dir) {
		return nil, &os.PathError{Op: "readdir", Path: dir, Err: fs.ErrNotExist}
	}
	names := m.childrenLocked(dir)
	sort.Strings(names)
	return names, nil
}

// Exists implements FS.
func (m *MemFS) Exists(name string) (bool, error) {
	name = clean(name)
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.files[name]
	return ok || m.dirExistsLocked(name), nil
}

// SyncDir implements FS. Namespace changes are durable at once in MemFS, so
// it only checks that dir exists.
func (m *MemFS) SyncDir(dir string) error {
	dir = clean(dir)
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.dirExistsLocked(dir) {
		return &os.PathError{Op: "syncdir", Path: dir, Err: fs.ErrNotExist}
	}
	return nil
}

// Crash returns a new MemFS holding what the disk might contain after a
// power loss at this moment; m itself is left unchanged (its open files
// keep working, so a test can crash the same state several times).
//
// The model, per file: bytes synced are kept. Where the current bytes differ
// from the synced ones, each CrashBlockSize-aligned block independently is
// kept new, kept old, or torn (new up to a random 512-byte sector boundary
// and old after it, or the other way round), chosen by rng. If the size
// changed since the last Sync, the crashed file has the old or the new size
// (rng's choice); bytes that never existed read as zeros. With rng nil the
// result is exactly the synced state.
//
// Simplification: namespace operations (create, remove, rename, mkdir) are
// durable immediately, as if every one were followed by SyncDir. Code must
// still call SyncDir for the real file system; tests with MemFS do not catch
// a missing one.
func (m *MemFS) Crash(rng *rand.Rand) *MemFS {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := NewMem()
	for d := range m.dirs {
		out.dirs[d] = struct{}{}
	}
	for name, n := range m.files {
		n.mu.RLock()
		c := crashContents(n.synced, n.data, rng)
		n.mu.RUnlock()
		out.files[name] = &memNode{data: c, synced: append([]byte(nil), c...)}
	}
	return out
}

func crashContents(old, cur []byte, rng *rand.Rand) []byte {
	if rng == nil {
		return append([]byte(nil), old...)
	}
	size := len(cur)
	if len(old) != len(cur) && rng.Intn(2) == 0 {
		size = len(old)
	}
	out := make([]byte, size)
	for off := 0; off < size; off += CrashBlockSize {
		end := min(off+CrashBlockSize, size)
		ob := out[off:end]
		nb := make([]byte, len(ob))
		copyRange(ob, old, off)
		copyRange(nb, cur, off)
		if string(ob) == string(nb) {
			continue
		}
		switch rng.Intn(3) {
		case 0: // new
			copy(ob, nb)
		case 1: // old: already in ob
		default: // torn at a sector boundary
			sectors := (len(ob) + crashSector - 1) / crashSector
			cut := min(crashSector*(1+rng.Intn(max(sectors-1, 1))), len(ob))
			if rng.Intn(2) == 0 {
				copy(ob[:cut], nb[:cut])
			} else {
				copy(ob[cut:], nb[cut:])
			}
		}
	}
	return out
}

// copyRange fills dst from src starting at off; bytes past src's end are
// left zero.
func copyRange(dst, src []byte, off int) {
	if off < len(src) {
		copy(dst, src[off:])
	}
}

// ReadFile returns a copy of a file's current contents (a test helper).
func (m *MemFS) ReadFile(name string) ([]byte, error) {
	name = clean(name)
	m.mu.Lock()
	n, ok := m.files[name]
	m.mu.Unlock()
	if !ok {
		return nil, &os.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	n.mu.RLock()
	defer n.mu.RUnlock()
	return append([]byte(nil), n.data...), nil
}

// String lists the files and their sizes (for test failure messages).
func (m *MemFS) String() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	names := make([]string, 0, len(m.files))
	for n := range m.files {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("MemFS{")
	for i, name := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		n := m.files[name]
		n.mu.RLock()
		b.WriteString(name + ":" + itoa(len(n.data)))
		n.mu.RUnlock()
	}
	b.WriteString("}")
	return b.String()
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var buf [20]byte
	i := len(buf)
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return string(buf[i:])
}

type memFile struct {
	node     *memNode
	name     string
	writable bool
	closed   atomic.Bool
}

func (f *memFile) errClosed(op string) error {
	return &os.PathError{Op: op, Path: f.name, Err: fs.ErrClosed}
}

func (f *memFile) ReadAt(p []byte, off int64) (int, error) {
	if f.closed.Load() {
		return 0, f.errClosed("read")
	}
	if off < 0 {
		return 0, &os.PathError{Op: "read", Path: f.name, Err: fs.ErrInvalid}
	}
	f.node.mu.RLock()
	defer f.node.mu.RUnlock()
	if off >= int64(len(f.node.data)) {
		return 0, io.EOF
	}
	n := copy(p, f.node.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (f *memFile) WriteAt(p []byte, off int64) (int, error) {
	if f.closed.Load() {
		return 0, f.errClosed("write")
	}
	if !f.writable || off < 0 {
		return 0, &os.PathError{Op: "write", Path: f.name, Err: fs.ErrInvalid}
	}
	f.node.mu.Lock()
	defer f.node.mu.Unlock()
	end := int(off) + len(p)
	if end > len(f.node.data) {
		f.node.data = growTo(f.node.data, end)
	}
	copy(f.node.data[off:], p)
	return len(p), nil
}

// growTo extends b to n bytes of which the new ones are zero, growing the
// capacity geometrically so that appending page by page stays linear.
func growTo(b []byte, n int) []byte {
	if n <= cap(b) {
		old := len(b)
		b = b[:n]
		clear(b[old:])
		return b
	}
	nb := make([]byte, n, max(n, 2*cap(b)))
	copy(nb, b)
	return nb
}

func (f *memFile) Sync() error {
	if f.closed.Load() {
		return f.errClosed("sync")
	}
	f.node.mu.Lock()
	defer f.node.mu.Unlock()
	f.node.synced = append(f.node.synced[:0], f.node.data...)
	return nil
}

func (f *memFile) Truncate(size int64) error {
	if f.closed.Load() {
		return f.errClosed("truncate")
	}
	if !f.writable || size < 0 {
		return &os.PathError{Op: "truncate", Path: f.name, Err: fs.ErrInvalid}
	}
	f.node.mu.Lock()
	defer f.node.mu.Unlock()
	if int(size) <= len(f.node.data) {
		f.node.data = f.node.data[:size]
	} else {
		f.node.data = growTo(f.node.data, int(size))
	}
	return nil
}

func (f *memFile) Size() (int64, error) {
	if f.closed.Load() {
		return 0, f.errClosed("stat")
	}
	f.node.mu.RLock()
	defer f.node.mu.RUnlock()
	return int64(len(f.node.data)), nil
}

func (f *memFile) Close() error {
	if f.closed.Swap(true) {
		return f.errClosed("close")
	}
	return nil
}
