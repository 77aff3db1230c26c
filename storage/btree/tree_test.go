package btree

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand"
	"slices"
	"testing"

	"github.com/neuroquantumdb/nqdb/storage/bufpool"
	"github.com/neuroquantumdb/nqdb/storage/pager"
	"github.com/neuroquantumdb/nqdb/storage/vfs"
)

const dataFile = "tree.data"

// env is a tree on a pager and pool over an in-memory file system, with
// the engine's checkpoint protocol (the root travels in the payload).
type env struct {
	t      testing.TB
	fs     *vfs.MemFS
	frames int
	p      *pager.Pager
	bp     *bufpool.Pool
	tree   *Tree
}

func newEnv(t testing.TB, frames int) *env {
	e := &env{t: t, fs: vfs.NewMem(), frames: frames}
	e.open()
	return e
}

func (e *env) open() {
	e.t.Helper()
	p, payload, err := pager.Open(e.fs, dataFile)
	if err != nil {
		e.t.Fatalf("pager.Open: %v", err)
	}
	e.p = p
	e.bp = bufpool.New(p, int64(e.frames)*pager.PageSize)
	if payload == nil {
		if e.tree, err = Create(e.bp); err != nil {
			e.t.Fatalf("Create: %v", err)
		}
		return
	}
	if len(payload) != 4 {
		e.t.Fatalf("payload of %d bytes", len(payload))
	}
	e.tree = Open(e.bp, pager.PageNo(binary.LittleEndian.Uint32(payload)))
}

func (e *env) checkpoint() {
	e.t.Helper()
	cp := e.p.BeginCheckpoint()
	root := e.tree.Root()
	if err := e.bp.FlushUpTo(cp.Epoch()); err != nil {
		e.t.Fatalf("FlushUpTo: %v", err)
	}
	if err := e.p.FinishCheckpoint(cp, binary.LittleEndian.AppendUint32(nil, uint32(root))); err != nil {
		e.t.Fatalf("FinishCheckpoint: %v", err)
	}
}

// reopen checkpoints, closes and opens the file again.
func (e *env) reopen() {
	e.t.Helper()
	e.checkpoint()
	if err := e.p.Close(); err != nil {
		e.t.Fatalf("Close: %v", err)
	}
	e.open()
}

// crash simulates a power loss (unsynced writes kept, lost or torn at
// random) and opens the surviving file.
func (e *env) crash(rng *rand.Rand) {
	e.t.Helper()
	e.fs = e.fs.Crash(rng)
	e.open()
}

// model is the reference: a map plus its keys kept sorted.
type model struct {
	m      map[string][]byte
	sorted []string
}

func newModel() *model { return &model{m: map[string][]byte{}} }

func (m *model) put(k string, v []byte) {
	if _, ok := m.m[k]; !ok {
		i, _ := slices.BinarySearch(m.sorted, k)
		m.sorted = slices.Insert(m.sorted, i, k)
	}
	m.m[k] = v
}

func (m *model) del(k string) bool {
	if _, ok := m.m[k]; !ok {
		return false
	}
	delete(m.m, k)
	i, _ := slices.BinarySearch(m.sorted, k)
	m.sorted = slices.Delete(m.sorted, i, i+1)
	return true
}

func (m *model) get(k string) ([]byte, bool) { v, ok := m.m[k]; return v, ok }

func (m *model) clone() *model {
	c := &model{m: make(map[string][]byte, len(m.m)), sorted: slices.Clone(m.sorted)}
	for k, v := range m.m {
		c.m[k] = v
	}
	return c
}

func (m *model) keys() []string { return m.sorted }

// compare checks the whole tree against the model: Check, a forward and a
// backward walk, and a Get of every key.
func compare(t testing.TB, tree *Tree, m *model) {
	t.Helper()
	if err := tree.Check(); err != nil {
		t.Fatalf("Check: %v", err)
	}
	ks := m.keys()
	c := tree.Cursor()
	defer c.Close()
	i := 0
	for ok := c.First(); ok; ok = c.Next() {
		if i >= len(ks) {
			t.Fatalf("forward walk: extra key %q", c.Key())
		}
		if string(c.Key()) != ks[i] {
			t.Fatalf("forward walk: key %d = %q, want %q", i, short(c.Key()), short([]byte(ks[i])))
		}
		v, err := c.Value()
		if err != nil {
			t.Fatalf("Value: %v", err)
		}
		if !bytes.Equal(v, m.m[ks[i]]) {
			t.Fatalf("forward walk: value of %q: %d bytes, want %d", short(c.Key()), len(v), len(m.m[ks[i]]))
		}
		i++
	}
	if c.Err() != nil || i != len(ks) {
		t.Fatalf("forward walk: %d keys, want %d (err %v)", i, len(ks), c.Err())
	}
	i = len(ks) - 1
	for ok := c.Last(); ok; ok = c.Prev() {
		if i < 0 || string(c.Key()) != ks[i] {
			t.Fatalf("backward walk: key %q at %d", short(c.Key()), i)
		}
		i--
	}
	if c.Err() != nil || i != -1 {
		t.Fatalf("backward walk stopped at %d (err %v)", i, c.Err())
	}
	for _, k := range ks {
		v, found, err := tree.Get([]byte(k))
		if err != nil || !found || !bytes.Equal(v, m.m[k]) {
			t.Fatalf("Get(%q) = %d bytes, %v, %v", short([]byte(k)), len(v), found, err)
		}
	}
	st, err := tree.Stats()
	if err != nil || st.Entries != int64(len(ks)) {
		t.Fatalf("Stats: %+v, %v; want %d entries", st, err, len(ks))
	}
}

func short(b []byte) string {
	if len(b) > 40 {
		return fmt.Sprintf("%q...(%d bytes)", b[:40], len(b))
	}
	return fmt.Sprintf("%q", b)
}

// gen makes keys and values for random workloads.
type gen struct{ rng *rand.Rand }

func (g gen) key() []byte {
	switch r := g.rng.Intn(100); {
	case r < 2: // long keys, up to the limit
		k := bytes.Repeat([]byte{byte('a' + g.rng.Intn(3))}, 1000+g.rng.Intn(MaxKeySize-1000))
		return append(k[:len(k)-4], fmt.Sprintf("%04d", g.rng.Intn(10000))...)[:len(k)]
	case r < 10: // short keys with bytes 0 and 0xff
		return []byte{byte(g.rng.Intn(3) * 0x7f), byte(g.rng.Intn(256))}
	default: // shared prefixes, as index keys have
		return fmt.Appendf(nil, "user/%03d/%06d", g.rng.Intn(50), g.rng.Intn(3000))
	}
}

func (g gen) value() []byte {
	var n int
	switch r := g.rng.Intn(100); {
	case r < 3:
		n = 2000 + g.rng.Intn(30000) // overflow
	case r < 10:
		n = 0
	default:
		n = g.rng.Intn(300)
	}
	v := make([]byte, n)
	g.rng.Read(v)
	return v
}

// TestModel runs random Put/Delete/Get/cursor operations against a map,
// with checkpoints, reopens and crashes, on a pool far smaller than the
// tree so that eviction runs all the time.
func TestModel(t *testing.T) {
	ops := 60000
	if testing.Short() {
		ops = 20000
	}
	var reopens, checkpoints, crashes int
	rng := rand.New(rand.NewSource(42))
	g := gen{rng}
	e := newEnv(t, 64)
	m := newModel()
	durable := newModel() // the model as of the last checkpoint
	for op := 1; op <= ops; op++ {
		switch r := rng.Intn(100); {
		case r < 55:
			k, v := g.key(), g.value()
			if err := e.tree.Put(k, v); err != nil {
				t.Fatalf("op %d: Put: %v", op, err)
			}
			m.put(string(k), v)
		case r < 85:
			k := g.key()
			found, err := e.tree.Delete(k)
			if err != nil {
				t.Fatalf("op %d: Delete: %v", op, err)
			}
			if want := m.del(string(k)); found != want {
				t.Fatalf("op %d: Delete(%s) found=%v, want %v", op, short(k), found, want)
			}
		case r < 95:
			k := g.key()
			v, found, err := e.tree.Get(k)
			want, wantFound := m.get(string(k))
			if err != nil || found != wantFound || !bytes.Equal(v, want) {
				t.Fatalf("op %d: Get(%s) = %d bytes %v %v, want %d bytes %v", op, short(k), len(v), found, err, len(want), wantFound)
			}
		default:
			cursorWalk(t, e.tree, m, g.key(), rng)
		}
		if op%(ops/20) == 0 {
			compare(t, e.tree, m)
			switch rng.Intn(4) {
			case 0:
				e.reopen()
				reopens++
				durable = m.clone()
				compare(t, e.tree, m)
			case 1:
				e.checkpoint()
				checkpoints++
				durable = m.clone()
			case 2:
				// Power loss: everything since the last checkpoint is gone.
				e.crash(rng)
				crashes++
				m = durable.clone()
				compare(t, e.tree, m)
			}
		}
	}
	compare(t, e.tree, m)
	st, _ := e.tree.Stats()
	t.Logf("%d ops, %d reopens, %d checkpoints, %d crashes; final tree %+v; pool %+v",
		ops, reopens, checkpoints, crashes, st, e.bp.Stats())
}

// cursorWalk seeks to key in a random direction and walks a few steps,
// checking against the model's sorted keys.
func cursorWalk(t testing.TB, tree *Tree, m *model, key []byte, rng *rand.Rand) {
	t.Helper()
	ks := m.keys()
	c := tree.Cursor()
	defer c.Close()
	var i int
	var ok bool
	if rng.Intn(2) == 0 {
		i, _ = slices.BinarySearch(ks, string(key))
		ok = c.SeekGE(key)
	} else {
		j, found := slices.BinarySearch(ks, string(key))
		if !found {
			j--
		}
		i = j
		ok = c.SeekLE(key)
	}
	for step := 0; step < 20; step++ {
		want := i >= 0 && i < len(ks)
		if ok != want || c.Valid() != want {
			t.Fatalf("cursor at model index %d: ok=%v valid=%v, want %v (err %v)", i, ok, c.Valid(), want, c.Err())
		}
		if !ok {
			return
		}
		if string(c.Key()) != ks[i] {
			t.Fatalf("cursor key %s, want %s", short(c.Key()), short([]byte(ks[i])))
		}
		if rng.Intn(2) == 0 {
			ok, i = c.Next(), i+1
		} else {
			ok, i = c.Prev(), i-1
		}
	}
}

func TestKeyLimits(t *testing.T) {
	e := newEnv(t, 64)
	tests := []struct {
		key  []byte
		want error
	}{
		{nil, ErrEmptyKey},
		{[]byte{}, ErrEmptyKey},
		{bytes.Repeat([]byte("k"), MaxKeySize+1), ErrKeyTooLarge},
		{bytes.Repeat([]byte("k"), MaxKeySize), nil},
		{[]byte{0}, nil},
	}
	for _, tc := range tests {
		if err := e.tree.Put(tc.key, []byte("v")); !errors.Is(err, tc.want) {
			t.Errorf("Put(%d-byte key) = %v, want %v", len(tc.key), err, tc.want)
		}
		if _, _, err := e.tree.Get(tc.key); !errors.Is(err, tc.want) {
			t.Errorf("Get(%d-byte key) = %v, want %v", len(tc.key), err, tc.want)
		}
	}
}

// TestMaxKeys fills a tree with keys of MaxKeySize (four to a page) and
// overflow values, then deletes them all.
func TestMaxKeys(t *testing.T) {
	e := newEnv(t, 64)
	m := newModel()
	rng := rand.New(rand.NewSource(7))
	for i := 0; i < 400; i++ {
		k := bytes.Repeat([]byte{'x'}, MaxKeySize)
		binary.BigEndian.PutUint32(k[MaxKeySize-4:], rng.Uint32())
		v := make([]byte, rng.Intn(5000))
		rng.Read(v)
		if err := e.tree.Put(k, v); err != nil {
			t.Fatal(err)
		}
		m.put(string(k), v)
	}
	compare(t, e.tree, m)
	st, _ := e.tree.Stats()
	t.Logf("max keys: %+v", st)
	for _, k := range m.keys() {
		if found, err := e.tree.Delete([]byte(k)); err != nil || !found {
			t.Fatalf("Delete: %v %v", found, err)
		}
	}
	compare(t, e.tree, newModel())
	st, _ = e.tree.Stats()
	if st.Pages != 1 || st.Depth != 1 {
		t.Errorf("empty tree has %d pages, depth %d; want one leaf", st.Pages, st.Depth)
	}
}

// TestOverflowValues stores values from 1 KiB to 5 MiB, replaces and
// deletes them, and checks that every overflow page is given back.
func TestOverflowValues(t *testing.T) {
	e := newEnv(t, 64)
	rng := rand.New(rand.NewSource(3))
	m := newModel()
	sizes := []int{1 << 10, 2 << 10, ovfCap, ovfCap + 1, 3 * ovfCap, 100 << 10, 1 << 20, 5 << 20}
	for i, sz := range sizes {
		v := make([]byte, sz)
		rng.Read(v)
		k := fmt.Appendf(nil, "big%02d", i)
		if err := e.tree.Put(k, v); err != nil {
			t.Fatalf("Put %d bytes: %v", sz, err)
		}
		m.put(string(k), v)
	}
	compare(t, e.tree, m)
	e.reopen()
	compare(t, e.tree, m)
	// Replace each with a value of another size (new chain, old one freed).
	for i := range sizes {
		k := fmt.Appendf(nil, "big%02d", i)
		v := make([]byte, sizes[len(sizes)-1-i])
		rng.Read(v)
		if err := e.tree.Put(k, v); err != nil {
			t.Fatal(err)
		}
		m.put(string(k), v)
	}
	compare(t, e.tree, m)
	st, _ := e.tree.Stats()
	want := 0
	for _, v := range m.m {
		if inlineCellSize(5, len(v)) > maxCell {
			want += chainPages(len(v))
		}
	}
	if st.OverflowPages != want {
		t.Errorf("%d overflow pages, want %d", st.OverflowPages, want)
	}
	for _, k := range slices.Clone(m.keys()) {
		if _, err := e.tree.Delete([]byte(k)); err != nil {
			t.Fatal(err)
		}
	}
	compare(t, e.tree, newModel())
	// After two checkpoints every freed page is reusable: the file holds
	// the tree's single leaf plus the pager's own pages.
	e.checkpoint()
	e.checkpoint()
	if used := int(e.p.NumPages()) - e.p.FreePages(); used > 8 {
		t.Errorf("%d pages still in use after deleting everything", used)
	}
}

// TestSequentialFill checks the rightmost-leaf split: ascending inserts
// leave leaves nearly full; random inserts about 70% full.
func TestSequentialFill(t *testing.T) {
	for _, tc := range []struct {
		name    string
		key     func(i int) []byte
		minFill float64
	}{
		{"ascending", func(i int) []byte { return fmt.Appendf(nil, "%08d", i) }, 0.95},
		{"random", func(i int) []byte { return fmt.Appendf(nil, "%08d", (i*7919)%20000) }, 0.55},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, 256)
			for i := 0; i < 20000; i++ {
				if err := e.tree.Put(tc.key(i), []byte("0123456789")); err != nil {
					t.Fatal(err)
				}
			}
			st, err := e.tree.Stats()
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %+v", tc.name, st)
			if st.LeafFill < tc.minFill {
				t.Errorf("leaf fill %.2f, want >= %.2f", st.LeafFill, tc.minFill)
			}
		})
	}
}

// TestConcurrentReaders runs Gets and cursor walks from several goroutines
// on one tree with a small pool (so reads evict each other's pages).
func TestConcurrentReaders(t *testing.T) {
	e := newEnv(t, 64)
	const n = 20000
	for i := 0; i < n; i++ {
		k := fmt.Appendf(nil, "%06d", i)
		if err := e.tree.Put(k, bytes.Repeat(k, 1+i%20)); err != nil {
			t.Fatal(err)
		}
	}
	e.checkpoint()
	errc := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func(g int) {
			rng := rand.New(rand.NewSource(int64(g)))
			c := e.tree.Cursor()
			defer c.Close()
			for it := 0; it < 2000; it++ {
				i := rng.Intn(n)
				k := fmt.Appendf(nil, "%06d", i)
				v, found, err := e.tree.Get(k)
				if err != nil || !found || !bytes.Equal(v, bytes.Repeat(k, 1+i%20)) {
					errc <- fmt.Errorf("Get(%s): %v %v", k, found, err)
					return
				}
				j := i
				for ok := c.SeekGE(k); ok && j < i+5; ok = c.Next() {
					if want := fmt.Sprintf("%06d", j); string(c.Key()) != want {
						errc <- fmt.Errorf("cursor at %q, want %q", c.Key(), want)
						return
					}
					j++
				}
				if c.Err() != nil {
					errc <- c.Err()
					return
				}
			}
			errc <- nil
		}(g)
	}
	for g := 0; g < 4; g++ {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
}

// TestCorruptionDetected damages a checksummed-valid node (as a bug would)
// and expects Check and reads to report corruption, not panic.
func TestCorruptionDetected(t *testing.T) {
	e := newEnv(t, 64)
	for i := 0; i < 2000; i++ {
		if err := e.tree.Put(fmt.Appendf(nil, "%05d", i), []byte("v")); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.tree.Check(); err != nil {
		t.Fatal(err)
	}
	// Swap two keys' slots in the root's first child: keys out of order.
	f, err := e.bp.Get(e.tree.Root())
	if err != nil {
		t.Fatal(err)
	}
	child := pager.PageNo(node(f.Data()).child(0))
	e.bp.Unpin(f)
	f, err = e.bp.Get(child)
	if err != nil {
		t.Fatal(err)
	}
	n := node(f.Data())
	o0, o1 := n.cellOff(0), n.cellOff(1)
	n.setCellOff(0, o1)
	n.setCellOff(1, o0)
	e.bp.MarkDirty(f)
	e.bp.Unpin(f)
	err = e.tree.Check()
	if !errors.Is(err, ErrCorrupt) || !errors.Is(err, pager.ErrCorrupt) {
		t.Fatalf("Check = %v, want corruption", err)
	}
	t.Log(err)
}
