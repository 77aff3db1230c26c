package vfs

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
)

// fsUnderTest returns MemFS and the OS file system (in a temporary
// directory), so every behaviour is checked against the real thing.
func fsUnderTest(t *testing.T) map[string]struct {
	fs   FS
	root string
} {
	return map[string]struct {
		fs   FS
		root string
	}{
		"mem": {NewMem(), "/db"},
		"os":  {OS, filepath.Join(t.TempDir(), "db")},
	}
}

func TestFSBasics(t *testing.T) {
	for name, tc := range fsUnderTest(t) {
		t.Run(name, func(t *testing.T) {
			fsys, root := tc.fs, tc.root
			a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
			if _, err := fsys.OpenFile(a, os.O_RDWR|os.O_CREATE, 0o600); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("create in a missing directory: %v", err)
			}
			if err := fsys.MkdirAll(filepath.Join(root, "sub", "deeper"), 0o755); err != nil {
				t.Fatal(err)
			}
			if _, err := fsys.OpenFile(a, os.O_RDWR, 0); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("open of a missing file: %v", err)
			}
			f, err := fsys.OpenFile(a, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := fsys.OpenFile(a, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); !errors.Is(err, fs.ErrExist) {
				t.Fatalf("O_EXCL on an existing file: %v", err)
			}
			if _, err := f.WriteAt([]byte("hello"), 10); err != nil {
				t.Fatal(err)
			}
			if n, _ := f.Size(); n != 15 {
				t.Fatalf("size %d after writing 5 bytes at 10", n)
			}
			buf := make([]byte, 20)
			n, err := f.ReadAt(buf, 0)
			if n != 15 || err != io.EOF || !bytes.Equal(buf[:15], append(make([]byte, 10), "hello"...)) {
				t.Fatalf("ReadAt past the end: %d %v %q", n, err, buf[:n])
			}
			if n, err := f.ReadAt(buf, 100); n != 0 || err != io.EOF {
				t.Fatalf("ReadAt beyond the end: %d %v", n, err)
			}
			if err := f.Truncate(12); err != nil {
				t.Fatal(err)
			}
			if err := f.Truncate(14); err != nil {
				t.Fatal(err)
			}
			n, _ = f.ReadAt(buf[:14], 0)
			if n != 14 || !bytes.Equal(buf[10:14], []byte("he\x00\x00")) {
				t.Fatalf("after truncate down and up: %q", buf[:n])
			}
			if err := f.Sync(); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			if err := fsys.Rename(a, b); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				name string
				want bool
			}{{a, false}, {b, true}, {filepath.Join(root, "sub"), true}, {filepath.Join(root, "zz"), false}} {
				if got, err := fsys.Exists(c.name); got != c.want || err != nil {
					t.Errorf("Exists(%s) = %v, %v", c.name, got, err)
				}
			}
			names, err := fsys.ReadDir(root)
			if err != nil || !slices.Equal(names, []string{"b", "sub"}) {
				t.Fatalf("ReadDir = %v, %v", names, err)
			}
			if err := fsys.SyncDir(root); err != nil {
				t.Fatal(err)
			}
			if err := fsys.Remove(filepath.Join(root, "sub")); err == nil {
				t.Fatal("Remove of a non-empty directory succeeded")
			}
			if err := fsys.Remove(b); err != nil {
				t.Fatal(err)
			}
			if err := fsys.Remove(b); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("second Remove: %v", err)
			}
			f, _ = fsys.OpenFile(filepath.Join(root, "t"), os.O_RDWR|os.O_CREATE, 0o600)
			f.WriteAt([]byte("abc"), 0)
			f.Close()
			f, _ = fsys.OpenFile(filepath.Join(root, "t"), os.O_RDWR|os.O_TRUNC, 0)
			if n, _ := f.Size(); n != 0 {
				t.Fatalf("O_TRUNC left %d bytes", n)
			}
			f.Close()
		})
	}
}

func TestCrashModel(t *testing.T) {
	const B = CrashBlockSize
	mem := NewMem()
	f, _ := mem.OpenFile("f", os.O_RDWR|os.O_CREATE, 0o600)
	old := bytes.Repeat([]byte{'o'}, 4*B)
	f.WriteAt(old, 0)
	f.Sync()
	cur := bytes.Repeat([]byte{'n'}, 6*B)
	f.WriteAt(cur, 0)
	// Block 1 rewritten with identical bytes: unaffected by any crash.
	f.WriteAt(old[:B], B)

	if got, _ := mem.Crash(nil).ReadFile("f"); !bytes.Equal(got, old) {
		t.Fatal("Crash(nil) is not the synced state")
	}
	seen := map[string]bool{}
	for seed := range int64(200) {
		got, _ := mem.Crash(rand.New(rand.NewSource(seed))).ReadFile("f")
		if len(got) != 4*B && len(got) != 6*B {
			t.Fatalf("crashed size %d", len(got))
		}
		for blk := 0; blk*B < len(got); blk++ {
			b := got[blk*B : (blk+1)*B]
			oldB := bytes.Repeat([]byte{0}, B)
			if blk < 4 {
				oldB = old[blk*B : (blk+1)*B]
			}
			newB := cur[blk*B : (blk+1)*B]
			if blk == 1 {
				newB = oldB
			}
			kind := classify(b, oldB, newB)
			if kind == "" {
				t.Fatalf("seed %d block %d is neither old, new nor torn at a sector", seed, blk)
			}
			if blk == 1 && kind != "old" {
				t.Fatalf("unchanged block came out %s", kind)
			}
			seen[kind] = true
		}
	}
	for _, k := range []string{"old", "new", "torn"} {
		if !seen[k] {
			t.Errorf("no block came out %s in 200 crashes", k)
		}
	}
	// The crashed copy is independent and starts fully synced.
	c := mem.Crash(rand.New(rand.NewSource(1)))
	want, _ := c.ReadFile("f")
	if got, _ := c.Crash(rand.New(rand.NewSource(2))).ReadFile("f"); !bytes.Equal(got, want) {
		t.Fatal("a crashed file system is not synced")
	}
}

func classify(b, oldB, newB []byte) string {
	switch {
	case bytes.Equal(b, oldB):
		return "old"
	case bytes.Equal(b, newB):
		return "new"
	}
	for cut := crashSector; cut < len(b); cut += crashSector {
		if bytes.Equal(b[:cut], newB[:cut]) && bytes.Equal(b[cut:], oldB[cut:]) ||
			bytes.Equal(b[:cut], oldB[:cut]) && bytes.Equal(b[cut:], newB[cut:]) {
			return "torn"
		}
	}
	return ""
}

func TestInjector(t *testing.T) {
	mem := NewMem()
	var log []string
	fsys := WithErrors(mem, func(op Op, name string) error {
		log = append(log, op.String()+" "+name)
		if op == OpSync {
			return DiskFull()
		}
		return nil
	})
	f, err := fsys.OpenFile("x", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt([]byte("a"), 0)
	err = f.Sync()
	if !errors.Is(err, syscall.ENOSPC) || !errors.Is(err, ErrInjected) {
		t.Fatalf("DiskFull: %v", err)
	}
	f.Close()
	fsys.Rename("x", "y")
	want := []string{"create x", "write x", "sync x", "close x", "rename x"}
	if !slices.Equal(log, want) {
		t.Fatalf("ops seen %q, want %q", log, want)
	}
	if ok, _ := mem.Exists("y"); !ok {
		t.Fatal("rename not passed through")
	}

	fsys = WithErrors(mem, OnNth(OpWrite, 2, nil))
	f, _ = fsys.OpenFile("y", os.O_RDWR, 0)
	for i, wantErr := range []bool{false, true, false} {
		_, err := f.WriteAt([]byte("b"), 0)
		if (err != nil) != wantErr || (err != nil && !errors.Is(err, ErrInjected)) {
			t.Fatalf("OnNth write %d: %v", i+1, err)
		}
	}
	fsys = WithErrors(mem, AfterNth(OpSync, 1, nil))
	f, _ = fsys.OpenFile("y", os.O_RDWR, 0)
	if f.Sync() == nil {
		t.Fatal("AfterNth: first sync passed")
	}
	if _, err := f.ReadAt(make([]byte, 1), 0); !errors.Is(err, ErrInjected) {
		t.Fatalf("AfterNth: read after the failure: %v", err)
	}
	if Op(200).String() != "Op(200)" {
		t.Fatal(Op(200).String())
	}
}

func TestClosedFile(t *testing.T) {
	mem := NewMem()
	f, _ := mem.OpenFile("x", os.O_RDWR|os.O_CREATE, 0o600)
	f.Close()
	if _, err := f.WriteAt([]byte("a"), 0); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("write after close: %v", err)
	}
	if err := f.Close(); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("second close: %v", err)
	}
	r, _ := mem.OpenFile("x", os.O_RDONLY, 0)
	if _, err := r.WriteAt([]byte("a"), 0); err == nil {
		t.Fatal("write to a read-only file succeeded")
	}
}

// FuzzMemFile applies a sequence of writes, truncates and syncs decoded
// from the input to a MemFS file and to a plain byte slice; they must
// agree, and a crash must give, per block, the synced or the current bytes
// or a torn mix.
func FuzzMemFile(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte{0x40, 0, 0x20, 0xff, 0x81, 0x10, 3, 0xC0})
	f.Fuzz(func(t *testing.T, ops []byte) {
		mem := NewMem()
		file, _ := mem.OpenFile("f", os.O_RDWR|os.O_CREATE, 0o600)
		var model, synced []byte
		for len(ops) >= 3 {
			op, a, b := ops[0], int(ops[1]), int(ops[2])
			ops = ops[3:]
			off := (a * 997) % (3 * CrashBlockSize)
			switch op % 4 {
			case 0, 1: // write b+1 bytes of value op
				data := bytes.Repeat([]byte{op | 1}, b+1)
				file.WriteAt(data, int64(off))
				if end := off + len(data); end > len(model) {
					model = append(model, make([]byte, end-len(model))...)
				}
				copy(model[off:], data)
			case 2:
				file.Truncate(int64(off))
				if off <= len(model) {
					model = model[:off]
				} else {
					model = append(model, make([]byte, off-len(model))...)
				}
			case 3:
				file.Sync()
				synced = append(synced[:0], model...)
			}
		}
		if got, _ := mem.ReadFile("f"); !bytes.Equal(got, model) {
			t.Fatalf("MemFS holds %d bytes, model %d", len(got), len(model))
		}
		got, _ := mem.Crash(rand.New(rand.NewSource(int64(len(model))))).ReadFile("f")
		if len(got) != len(model) && len(got) != len(synced) {
			t.Fatalf("crashed size %d, want %d or %d", len(got), len(synced), len(model))
		}
		pad := func(b []byte, off int) []byte {
			out := make([]byte, CrashBlockSize)
			if off < len(b) {
				copy(out, b[off:])
			}
			return out
		}
		for off := 0; off < len(got); off += CrashBlockSize {
			end := min(off+CrashBlockSize, len(got))
			blk := got[off:end]
			oldB, newB := pad(synced, off)[:len(blk)], pad(model, off)[:len(blk)]
			if classify(blk, oldB, newB) == "" {
				t.Fatalf("crashed block at %d is neither old, new nor torn", off)
			}
		}
	})
}
