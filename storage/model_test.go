package storage_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand"
	"os"
	"slices"
	"sort"
	"strconv"
	"testing"

	"github.com/neuroquantumdb/nqdb/storage"
	"github.com/neuroquantumdb/nqdb/storage/vfs"
)

// state is the model of the committed database: tree -> key -> value.
type state map[storage.TreeID]map[string]string

func (s state) clone() state {
	c := make(state, len(s))
	for id, m := range s {
		c[id] = maps.Clone(m)
	}
	return c
}

// smallOpts are options that make every background mechanism run in a
// short test: eviction (256 KiB pool), segment recycling and checkpoints
// by log volume.
func smallOpts(fs vfs.FS) storage.Options {
	return storage.Options{FS: fs, Dir: "db", BufferPool: 256 << 10, WALSegmentSize: 64 << 10, CheckpointWAL: 192 << 10}
}

func longRun() bool { return os.Getenv("NQDB_LONG") != "" }

// randVal returns a value of random length; a few are large enough to need
// overflow pages.
func randVal(rng *rand.Rand) string {
	n := rng.Intn(40)
	switch rng.Intn(20) {
	case 0:
		n = 2000 + rng.Intn(20000)
	case 1:
		n = 0
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + rng.Intn(26))
	}
	return string(b)
}

func randKey(rng *rand.Rand, space int) string {
	k := fmt.Sprintf("k%04d", rng.Intn(space))
	if rng.Intn(30) == 0 {
		// Long keys make the tree deeper and exercise prefix handling.
		k += string(bytes.Repeat([]byte{'x'}, rng.Intn(600)))
	}
	return k
}

// readTree returns every key of id as a fresh transaction sees it.
func readTree(t testing.TB, e *storage.Engine, id storage.TreeID) map[string]string {
	t.Helper()
	tx := e.Begin(storage.RepeatableRead)
	defer tx.Rollback()
	it, err := tx.Scan(context.Background(), id, nil, nil)
	if err != nil {
		t.Fatalf("scan tree %d: %v", id, err)
	}
	defer it.Close()
	m := map[string]string{}
	var prev []byte
	for it.Next() {
		if prev != nil && bytes.Compare(prev, it.Key()) >= 0 {
			t.Fatalf("tree %d: scan out of order: %q then %q", id, prev, it.Key())
		}
		prev = bytes.Clone(it.Key())
		m[string(it.Key())] = string(it.Value())
	}
	if err := it.Err(); err != nil {
		t.Fatalf("scan tree %d: %v", id, err)
	}
	return m
}

// diffState describes how the engine's trees differ from want ("" when
// they match); trees in gone must not exist.
func diffState(t testing.TB, e *storage.Engine, want state, gone []storage.TreeID) string {
	t.Helper()
	ids := slices.Sorted(maps.Keys(want))
	for _, id := range ids {
		got := readTree(t, e, id)
		w := want[id]
		for k, v := range w {
			g, ok := got[k]
			if !ok {
				return fmt.Sprintf("tree %d: key %.40q missing", id, k)
			}
			if g != v {
				return fmt.Sprintf("tree %d: key %.40q = %.40q (len %d), want %.40q (len %d)", id, k, g, len(g), v, len(v))
			}
		}
		for k := range got {
			if _, ok := w[k]; !ok {
				return fmt.Sprintf("tree %d: unexpected key %.40q", id, k)
			}
		}
	}
	tx := e.Begin(storage.ReadCommitted)
	defer tx.Rollback()
	for _, id := range gone {
		if _, ok := want[id]; ok {
			continue
		}
		if _, _, err := tx.Get(id, []byte("k0000")); !errors.Is(err, storage.ErrNoTree) {
			return fmt.Sprintf("tree %d should not exist; Get error %v", id, err)
		}
	}
	return ""
}

// modelTxn is one random transaction's view of the database: the
// committed state plus its own writes, with savepoints.
type modelTxn struct {
	view    state
	created []storage.TreeID
	dropped map[storage.TreeID]bool
	direct  map[storage.TreeID]bool // trees created by this txn
	undo    int                     // the engine's undo length, as we count it
	lastDir int                     // undo length at the last direct write (-1: none)
	saves   []savepoint
}

type savepoint struct {
	mark storage.Mark
	view state // view of the non-direct trees
}

// TestModel runs random transactions against the engine and an in-memory
// model of the committed state, with checkpoints and simulated power
// losses along the way; after each crash the reopened engine must hold
// exactly the committed state (commits with SyncCommit off may be lost,
// in commit order).
func TestModel(t *testing.T) {
	seeds, txns := 4, 800
	if testing.Short() {
		seeds, txns = 2, 300
	}
	if longRun() {
		seeds, txns = 20, 3000
	}
	// NQDB_SEED shifts the seeds, to explore beyond the fixed ones.
	first, _ := strconv.Atoi(os.Getenv("NQDB_SEED"))
	for seed := first; seed < first+seeds; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { runModel(t, int64(seed), txns) })
	}
}

func runModel(t *testing.T, seed int64, ntxn int) {
	rng := rand.New(rand.NewSource(seed))
	ctx := context.Background()
	fs := vfs.NewMem()
	e, err := storage.Open(smallOpts(fs))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { e.Close() }()

	committed := state{storage.CatalogTree: {}}
	// async holds the states after each SyncCommit=false commit since the
	// last durable one: after a crash any of them (or committed) may be
	// what comes back.
	var async []state
	var everDropped []storage.TreeID
	keySpace := 50 + rng.Intn(300)
	crashes := 0

	for n := range ntxn {
		tx := e.Begin(storage.Isolation(rng.Intn(2)))
		m := &modelTxn{view: committed.clone(), dropped: map[storage.TreeID]bool{}, direct: map[storage.TreeID]bool{}, lastDir: -1}
		if len(async) > 0 {
			m.view = async[len(async)-1].clone()
		}
		liveTrees := func() []storage.TreeID {
			var ids []storage.TreeID
			for id := range m.view {
				if !m.dropped[id] {
					ids = append(ids, id)
				}
			}
			sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
			return ids
		}
		nops := 1 + rng.Intn(30)
		if rng.Intn(10) == 0 {
			nops = 200 + rng.Intn(400)
		}
		aborted := false
		for op := 0; op < nops && !aborted; op++ {
			ids := liveTrees()
			id := ids[rng.Intn(len(ids))]
			key := randKey(rng, keySpace)
			isDirect := m.direct[id]
			switch r := rng.Intn(100); {
			case r < 35: // Put
				v := randVal(rng)
				if err := tx.Put(id, []byte(key), []byte(v)); err != nil {
					t.Fatalf("txn %d: Put: %v", n, err)
				}
				m.view[id][key] = v
				m.wrote(isDirect)
			case r < 50: // Delete
				if err := tx.Delete(id, []byte(key)); err != nil {
					t.Fatalf("txn %d: Delete: %v", n, err)
				}
				delete(m.view[id], key)
				m.wrote(isDirect)
			case r < 60: // Insert
				v := randVal(rng)
				_, exists := m.view[id][key]
				err := tx.Insert(ctx, id, []byte(key), []byte(v))
				if exists {
					if !errors.Is(err, storage.ErrDuplicateKey) {
						t.Fatalf("txn %d: Insert of existing key %q: %v, want ErrDuplicateKey", n, key, err)
					}
					break
				}
				if err != nil {
					t.Fatalf("txn %d: Insert %q: %v", n, key, err)
				}
				m.view[id][key] = v
				m.wrote(isDirect)
			case r < 75: // Get
				v, ok, err := tx.Get(id, []byte(key))
				if err != nil {
					t.Fatalf("txn %d: Get: %v", n, err)
				}
				w, wok := m.view[id][key]
				if ok != wok || string(v) != w {
					t.Fatalf("txn %d: Get(%d, %q) = %q, %v; want %q, %v", n, id, key, v, ok, w, wok)
				}
			case r < 82: // Scan a range
				lo, hi := randKey(rng, keySpace), randKey(rng, keySpace)
				if lo > hi {
					lo, hi = hi, lo
				}
				var blo, bhi []byte
				if rng.Intn(4) != 0 {
					blo = []byte(lo)
				}
				if rng.Intn(4) != 0 {
					bhi = []byte(hi)
				}
				checkScan(t, tx, id, blo, bhi, m.view[id])
			case r < 87: // Savepoint
				sp := savepoint{mark: tx.Savepoint(), view: state{}}
				if sp.mark.Writes() != m.undo {
					t.Fatalf("txn %d: Savepoint() = %d, model counts %d writes", n, sp.mark.Writes(), m.undo)
				}
				for id, kv := range m.view {
					if !m.direct[id] {
						sp.view[id] = maps.Clone(kv)
					}
				}
				m.saves = append(m.saves, sp)
			case r < 91: // RollbackTo
				if len(m.saves) == 0 {
					break
				}
				i := rng.Intn(len(m.saves))
				sp := m.saves[i]
				err := tx.RollbackTo(sp.mark)
				if m.lastDir >= sp.mark.Writes() {
					if !errors.Is(err, storage.ErrSavepointDirect) {
						t.Fatalf("txn %d: RollbackTo after direct write: %v, want ErrSavepointDirect", n, err)
					}
					tx.Rollback()
					aborted = true
					break
				}
				if err != nil {
					t.Fatalf("txn %d: RollbackTo: %v", n, err)
				}
				for id, kv := range sp.view {
					m.view[id] = maps.Clone(kv)
				}
				m.undo = sp.mark.Writes()
				m.saves = m.saves[:i+1]
			case r < 93: // CreateTree
				nid, err := tx.CreateTree()
				if err != nil {
					t.Fatalf("txn %d: CreateTree: %v", n, err)
				}
				if _, ok := m.view[nid]; ok {
					t.Fatalf("txn %d: CreateTree returned existing tree %d", n, nid)
				}
				if !tx.IsDirect(nid) {
					t.Fatalf("txn %d: new tree %d is not direct", n, nid)
				}
				m.view[nid] = map[string]string{}
				m.created = append(m.created, nid)
				m.direct[nid] = true
			case r < 94: // DropTree
				if id == storage.CatalogTree || len(ids) < 2 {
					break
				}
				tx.DropTree(id)
				m.dropped[id] = true
			default: // bulk load into a tree created here
				if !isDirect {
					break
				}
				for j := 0; j < 50+rng.Intn(500); j++ {
					k := fmt.Sprintf("b%06d", j)
					v := randVal(rng)
					if err := tx.Put(id, []byte(k), []byte(v)); err != nil {
						t.Fatalf("txn %d: bulk Put: %v", n, err)
					}
					m.view[id][k] = v
				}
				m.wrote(true)
			}
		}
		if !aborted {
			if rng.Intn(8) == 0 {
				tx.Rollback()
			} else {
				tx.SyncCommit = rng.Intn(5) != 0
				before := e.Stats().Commits
				if err := tx.Commit(ctx); err != nil {
					t.Fatalf("txn %d: Commit: %v", n, err)
				}
				for id := range m.dropped {
					delete(m.view, id)
					everDropped = append(everDropped, id)
				}
				switch {
				case e.Stats().Commits == before:
					// Nothing to log (read-only, or every write rolled
					// back to a savepoint): like PostgreSQL, such a
					// commit flushes nothing, so earlier asynchronous
					// commits stay at risk.
					if d := diffViews(latest(committed, async), m.view); d != "" {
						t.Fatalf("txn %d: commit wrote no record but the txn changed %s", n, d)
					}
				case tx.SyncCommit:
					committed, async = m.view, nil
				default:
					async = append(async, m.view)
				}
			}
		}
		// Now and then: compare everything, checkpoint, or pull the plug.
		switch rng.Intn(100) {
		case 0, 1, 2:
			want := committed
			if len(async) > 0 {
				want = async[len(async)-1]
			}
			if d := diffState(t, e, want, everDropped); d != "" {
				t.Fatalf("after txn %d: %s", n, d)
			}
		case 3, 4:
			if err := e.Checkpoint(); err != nil {
				t.Fatalf("Checkpoint: %v", err)
			}
		case 5:
			crashed := fs.Crash(rng)
			e.Close()
			fs = crashed
			e, err = storage.Open(smallOpts(fs))
			if err != nil {
				t.Fatalf("reopen after crash at txn %d: %v", n, err)
			}
			if err := e.Check(); err != nil {
				t.Fatalf("Check after crash at txn %d: %v", n, err)
			}
			// committed, or committed plus a prefix of the async commits.
			candidates := append([]state{committed}, async...)
			var diffs []string
			match := -1
			for i := len(candidates) - 1; i >= 0; i-- {
				d := diffState(t, e, candidates[i], everDropped)
				if d == "" {
					match = i
					break
				}
				diffs = append(diffs, d)
			}
			if match < 0 {
				t.Fatalf("after crash at txn %d: recovered state matches no allowed state: %v", n, diffs)
			}
			committed, async = candidates[match], nil
			crashes++
		}
	}
	final := committed
	if len(async) > 0 {
		final = async[len(async)-1]
	}
	st := e.Stats()
	t.Logf("%d crashes; last run: %d commits, %d checkpoints, pool %+v", crashes, st.Commits, st.Checkpoints, st.Pool)
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	// A clean shutdown keeps everything, async commits included.
	e, err = storage.Open(smallOpts(fs.Crash(nil)))
	if err != nil {
		t.Fatal(err)
	}
	if d := diffState(t, e, final, everDropped); d != "" {
		t.Fatalf("after clean restart: %s", d)
	}
	if err := e.Check(); err != nil {
		t.Fatal(err)
	}
}

// wrote counts a write in the engine's undo log (direct writes have none).
func (m *modelTxn) wrote(direct bool) {
	if direct {
		m.lastDir = m.undo
		return
	}
	m.undo++
}

// checkScan compares a scan of [lo, hi) with the model's keys.
func checkScan(t *testing.T, tx *storage.Txn, id storage.TreeID, lo, hi []byte, kv map[string]string) {
	t.Helper()
	var want []string
	for k := range kv {
		if (lo == nil || k >= string(lo)) && (hi == nil || k < string(hi)) {
			want = append(want, k)
		}
	}
	sort.Strings(want)
	it, err := tx.Scan(context.Background(), id, lo, hi)
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	defer it.Close()
	i := 0
	for it.Next() {
		if i >= len(want) {
			t.Fatalf("Scan(%d, %q, %q): extra key %.40q", id, lo, hi, it.Key())
		}
		if string(it.Key()) != want[i] {
			t.Fatalf("Scan(%d, %q, %q): key %d = %.40q, want %.40q", id, lo, hi, i, it.Key(), want[i])
		}
		if string(it.Value()) != kv[want[i]] {
			t.Fatalf("Scan(%d, %q, %q): value of %.40q = %.40q, want %.40q", id, lo, hi, want[i], it.Value(), kv[want[i]])
		}
		i++
	}
	if err := it.Err(); err != nil {
		t.Fatalf("Scan: %v", err)
	}
	if i != len(want) {
		t.Fatalf("Scan(%d, %.20q, %.20q): %d keys, want %d (next missing %.40q)", id, lo, hi, i, len(want), want[i])
	}
}

// FuzzModel runs a short random model test (transactions, checkpoints,
// crashes) from a fuzzed seed.
func FuzzModel(f *testing.F) {
	for s := range int64(4) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seed int64) {
		runModel(t, seed, 40)
	})
}

// latest is the newest committed state: the last asynchronous commit's, or
// the last durable one.
func latest(committed state, async []state) state {
	if len(async) > 0 {
		return async[len(async)-1]
	}
	return committed
}

// diffViews names the first tree or key where a and b differ ("" if none).
func diffViews(a, b state) string {
	for id, m := range a {
		o, ok := b[id]
		if !ok {
			return fmt.Sprintf("tree %d", id)
		}
		if !maps.Equal(m, o) {
			return fmt.Sprintf("the keys of tree %d", id)
		}
	}
	for id := range b {
		if _, ok := a[id]; !ok {
			return fmt.Sprintf("tree %d", id)
		}
	}
	return ""
}
