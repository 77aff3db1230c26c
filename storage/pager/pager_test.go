package pager

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/neuroquantumdb/nqdb/storage/vfs"
)

// fillPage makes a recognisable page image for (no, version).
func fillPage(buf []byte, no PageNo, version uint64, epoch uint64) {
	clear(buf[:HeaderSize])
	SetType(buf, TypeLeaf)
	SetEpoch(buf, epoch)
	x := uint64(no)*0x9E3779B97F4A7C15 ^ version*0xBF58476D1CE4E5B9 | 1
	for i := HeaderSize; i+8 <= PageSize; i += 8 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		binary.LittleEndian.PutUint64(buf[i:], x)
	}
}

// checkPage reports whether buf is fillPage(no, version).
func checkPage(buf []byte, no PageNo, version uint64) error {
	want := make([]byte, PageSize)
	fillPage(want, no, version, Epoch(buf))
	if !bytes.Equal(buf[HeaderSize:], want[HeaderSize:]) || Type(buf) != TypeLeaf {
		return fmt.Errorf("block %d does not hold version %d", no, version)
	}
	return nil
}

type fsCase struct {
	name string
	fs   func(t testing.TB) (vfs.FS, string)
}

var fsCases = []fsCase{
	{"mem", func(t testing.TB) (vfs.FS, string) { return vfs.NewMem(), "nqdb.data" }},
	{"os", func(t testing.TB) (vfs.FS, string) { return vfs.OS, filepath.Join(t.TempDir(), "nqdb.data") }},
}

func mustOpen(t testing.TB, fs vfs.FS, path string) (*Pager, []byte) {
	t.Helper()
	p, payload, err := Open(fs, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return p, payload
}

func checkpoint(t testing.TB, p *Pager, payload []byte) {
	t.Helper()
	cp := p.BeginCheckpoint()
	if err := p.FinishCheckpoint(cp, payload); err != nil {
		t.Fatalf("FinishCheckpoint: %v", err)
	}
}

func TestNewFile(t *testing.T) {
	for _, fc := range fsCases {
		t.Run(fc.name, func(t *testing.T) {
			fs, path := fc.fs(t)
			p, payload := mustOpen(t, fs, path)
			if payload != nil || p.Epoch() != 1 || p.NumPages() != 2 || p.FreePages() != 0 {
				t.Fatalf("new file: payload %v epoch %d pages %d free %d", payload, p.Epoch(), p.NumPages(), p.FreePages())
			}
			if p.Path() != path {
				t.Errorf("Path() = %q", p.Path())
			}
			p.Close()
			// Reopening a file that never had a checkpoint is still "new".
			p, payload = mustOpen(t, fs, path)
			defer p.Close()
			if payload != nil || p.Epoch() != 1 || p.NumPages() != 2 {
				t.Fatalf("reopen: payload %v epoch %d pages %d", payload, p.Epoch(), p.NumPages())
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	for _, fc := range fsCases {
		t.Run(fc.name, func(t *testing.T) {
			fs, path := fc.fs(t)
			p, _ := mustOpen(t, fs, path)
			buf := make([]byte, PageSize)
			var nos []PageNo
			for v := range uint64(20) {
				no := p.Allocate()
				nos = append(nos, no)
				fillPage(buf, no, v, p.Epoch())
				if err := p.WritePage(no, buf); err != nil {
					t.Fatal(err)
				}
			}
			if nos[0] != 2 || nos[19] != 21 {
				t.Fatalf("allocated %v, want 2..21", nos)
			}
			for v, no := range nos {
				if err := p.ReadPage(no, buf); err != nil {
					t.Fatal(err)
				}
				if err := checkPage(buf, no, uint64(v)); err != nil {
					t.Fatal(err)
				}
				if Epoch(buf) != 1 {
					t.Fatalf("epoch %d", Epoch(buf))
				}
			}
			checkpoint(t, p, []byte("roots"))
			p.Close()
			p, payload := mustOpen(t, fs, path)
			defer p.Close()
			if string(payload) != "roots" || p.Epoch() != 2 {
				t.Fatalf("reopen: payload %q epoch %d", payload, p.Epoch())
			}
			for v, no := range nos {
				if err := p.ReadPage(no, buf); err != nil {
					t.Fatal(err)
				}
				if err := checkPage(buf, no, uint64(v)); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestBadBuffers(t *testing.T) {
	p, _ := mustOpen(t, vfs.NewMem(), "f")
	defer p.Close()
	no := p.Allocate()
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"short read buffer", p.ReadPage(no, make([]byte, 100))},
		{"short write buffer", p.WritePage(no, make([]byte, 100))},
		{"read beyond pages", p.ReadPage(no+1, make([]byte, PageSize))},
		{"write meta page", p.WritePage(0, make([]byte, PageSize))},
		{"write beyond pages", p.WritePage(no+1, make([]byte, PageSize))},
	} {
		if tc.err == nil || errors.Is(tc.err, ErrCorrupt) {
			t.Errorf("%s: err = %v, want a non-corruption error", tc.name, tc.err)
		}
	}
}

func TestCorruption(t *testing.T) {
	for _, fc := range fsCases {
		t.Run(fc.name, func(t *testing.T) {
			fs, path := fc.fs(t)
			p, _ := mustOpen(t, fs, path)
			defer p.Close()
			buf := make([]byte, PageSize)
			var nos []PageNo
			for range 8 {
				no := p.Allocate()
				nos = append(nos, no)
				fillPage(buf, no, 1, p.Epoch())
				if err := p.WritePage(no, buf); err != nil {
					t.Fatal(err)
				}
			}
			// Flip one byte of block 7 behind the pager's back.
			f, err := fs.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			var b [1]byte
			off := int64(7)*PageSize + 4000
			f.ReadAt(b[:], off)
			b[0] ^= 0x20
			f.WriteAt(b[:], off)
			f.Close()

			err = p.ReadPage(7, buf)
			var ce *CorruptionError
			if !errors.As(err, &ce) || !errors.Is(err, ErrCorrupt) {
				t.Fatalf("ReadPage of flipped page: %v", err)
			}
			if ce.Page != 7 || ce.File != path {
				t.Errorf("error names block %d of %q", ce.Page, ce.File)
			}
			prefix := fmt.Sprintf("invalid page in block 7 of file %q: checksum mismatch (stored ", path)
			if !strings.HasPrefix(err.Error(), prefix) {
				t.Errorf("message %q, want prefix %q", err.Error(), prefix)
			}
			// Its neighbours are fine.
			for _, no := range []PageNo{6, 8} {
				if err := p.ReadPage(no, buf); err != nil {
					t.Errorf("block %d: %v", no, err)
				}
			}
			// An allocated page never written reads as corrupt, not as zeros.
			no := p.Allocate()
			err = p.ReadPage(no, buf)
			if !errors.As(err, &ce) || ce.Page != no {
				t.Fatalf("never-written page: %v", err)
			}
		})
	}
}

func TestFreeListPersistence(t *testing.T) {
	for _, fc := range fsCases {
		t.Run(fc.name, func(t *testing.T) {
			fs, path := fc.fs(t)
			p, _ := mustOpen(t, fs, path)
			buf := make([]byte, PageSize)
			for range 100 {
				no := p.Allocate()
				fillPage(buf, no, 0, p.Epoch())
				if err := p.WritePage(no, buf); err != nil {
					t.Fatal(err)
				}
			}
			checkpoint(t, p, []byte("one"))
			// Epoch 2: free even pages of epoch 1: they stay pending until
			// checkpoint 2 is durable.
			var freed []PageNo
			for no := PageNo(2); no < 102; no += 2 {
				p.Free(no, 1)
				freed = append(freed, no)
			}
			if got := p.FreePages(); got != 0 {
				t.Fatalf("after freeing checkpointed pages: %d free, want 0 (pending)", got)
			}
			if no := p.Allocate(); no < 102 {
				t.Fatalf("Allocate reused pending page %d", no)
			} else {
				p.Free(no, p.Epoch()) // current epoch: reusable at once
				if again := p.Allocate(); again != no {
					t.Fatalf("Allocate after immediate free = %d, want %d", again, no)
				}
				p.Free(no, p.Epoch())
			}
			checkpoint(t, p, []byte("two"))
			want := append(slices.Clone(freed), 102)
			if got := p.FreeList(); !slices.Equal(got, want) {
				t.Fatalf("free list after checkpoint: %v, want %v", got, want)
			}
			p.Close()

			p, payload := mustOpen(t, fs, path)
			defer p.Close()
			if string(payload) != "two" {
				t.Fatalf("payload %q", payload)
			}
			// Reopened: the durable free list plus the page allocated after
			// the cut (the chain page at 102 or wherever it went is pending).
			got := p.FreeList()
			for _, no := range freed {
				if !slices.Contains(got, no) {
					t.Fatalf("free list after reopen %v lacks %d", got, no)
				}
			}
			for _, no := range p.pending[p.Epoch()] {
				if slices.Contains(got, no) {
					t.Fatalf("chain page %d is both free and pending", no)
				}
			}
			for no := PageNo(3); no < 102; no += 2 {
				if slices.Contains(got, no) {
					t.Fatalf("live page %d is free", no)
				}
				if err := p.ReadPage(no, buf); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestDoubleFreePanics(t *testing.T) {
	p, _ := mustOpen(t, vfs.NewMem(), "f")
	defer p.Close()
	no := p.Allocate()
	p.Free(no, p.Epoch())
	defer func() {
		if recover() == nil {
			t.Fatal("double Free did not panic")
		}
	}()
	p.Free(no, p.Epoch())
}

func TestTornMetaFallsBack(t *testing.T) {
	for _, slot := range []int{0, 1} {
		t.Run(fmt.Sprint("slot", slot), func(t *testing.T) {
			mem := vfs.NewMem()
			p, _ := mustOpen(t, mem, "f")
			buf := make([]byte, PageSize)
			no := p.Allocate()
			fillPage(buf, no, 7, p.Epoch())
			p.WritePage(no, buf)
			checkpoint(t, p, []byte("cp1")) // meta slot 1
			if slot == 0 {
				checkpoint(t, p, []byte("cp2")) // meta slot 0
			}
			p.Close()
			// Tear the newest meta page: its second half is garbage.
			f, _ := mem.OpenFile("f", os.O_RDWR, 0)
			f.WriteAt(bytes.Repeat([]byte{0xAB}, PageSize/2), int64(slot)*PageSize+PageSize/2)
			f.Close()
			p, payload := mustOpen(t, mem, "f")
			defer p.Close()
			want := map[int]string{0: "cp1", 1: ""}[slot]
			if slot == 1 {
				// Checkpoint 1 torn: back to checkpoint 0, a new file.
				if payload != nil || p.Epoch() != 1 {
					t.Fatalf("payload %q epoch %d, want nil at epoch 1", payload, p.Epoch())
				}
				return
			}
			if string(payload) != want || p.Epoch() != 2 {
				t.Fatalf("payload %q epoch %d, want %q at epoch 2", payload, p.Epoch(), want)
			}
			if err := p.ReadPage(no, buf); err != nil || checkPage(buf, no, 7) != nil {
				t.Fatalf("page after fallback: %v", err)
			}
		})
	}
}

func TestCorruptMetaAndChain(t *testing.T) {
	setup := func() *vfs.MemFS {
		mem := vfs.NewMem()
		p, _ := mustOpen(t, mem, "f")
		checkpoint(t, p, bytes.Repeat([]byte("x"), 3*PageSize)) // a 4-page chain
		checkpoint(t, p, []byte("second"))
		p.Close()
		return mem
	}
	flip := func(mem *vfs.MemFS, off int64) {
		f, _ := mem.OpenFile("f", os.O_RDWR, 0)
		var b [1]byte
		f.ReadAt(b[:], off)
		b[0] ^= 1
		f.WriteAt(b[:], off)
		f.Close()
	}
	t.Run("both metas", func(t *testing.T) {
		mem := setup()
		flip(mem, 100)
		flip(mem, PageSize+100)
		_, _, err := Open(mem, "f")
		var ce *CorruptionError
		if !errors.As(err, &ce) || ce.Page != 0 || !strings.Contains(err.Error(), "no valid meta page") {
			t.Fatalf("Open: %v", err)
		}
	})
	t.Run("chain page", func(t *testing.T) {
		mem := setup()
		// The second checkpoint's chain head, from its meta (slot 0).
		data, _ := mem.ReadFile("f")
		head := PageNo(binary.LittleEndian.Uint32(data[mOffChainHead:]))
		flip(mem, int64(head)*PageSize+30)
		_, _, err := Open(mem, "f")
		var ce *CorruptionError
		if !errors.As(err, &ce) || ce.Page != head || ce.File != "f" {
			t.Fatalf("Open with corrupt chain page %d: %v", head, err)
		}
	})
	t.Run("truncated file", func(t *testing.T) {
		mem := setup()
		f, _ := mem.OpenFile("f", os.O_RDWR, 0)
		f.Truncate(3 * PageSize)
		f.Close()
		_, _, err := Open(mem, "f")
		if !errors.Is(err, ErrCorrupt) {
			t.Fatalf("Open of truncated file: %v", err)
		}
	})
}

func TestIOErrors(t *testing.T) {
	mem := vfs.NewMem()
	fs := vfs.WithErrors(mem, vfs.OnNth(vfs.OpRead, 1, vfs.DiskFull()))
	p, _ := mustOpen(t, fs, "f")
	defer p.Close()
	no := p.Allocate()
	buf := make([]byte, PageSize)
	fillPage(buf, no, 1, 1)
	if err := p.WritePage(no, buf); err != nil {
		t.Fatal(err)
	}
	err := p.ReadPage(no, buf)
	if !errors.Is(err, vfs.ErrInjected) || errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "block 2") {
		t.Fatalf("injected read error: %v", err)
	}
	if err := p.ReadPage(no, buf); err != nil {
		t.Fatalf("second read: %v", err)
	}
}
