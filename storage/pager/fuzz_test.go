package pager

import (
	"encoding/binary"
	"hash/crc32"
	"os"
	"testing"

	"github.com/neuroquantumdb/nqdb/storage/vfs"
)

// fileFromFuzz turns fuzz input into a data file image. Short inputs are a
// compact description (meta body fields, then a chain page body) so that
// the fuzzer reaches the chain decoder; long ones are the file as is. With
// fix, every page gets a valid checksum (and meta pages a valid meta CRC),
// so that the fuzzer gets past verification.
func fileFromFuzz(data []byte, fix bool) []byte {
	var file []byte
	if len(data) < 2*PageSize {
		file = make([]byte, 3*PageSize)
		copy(file[HeaderSize:mOffCRC], metaMagic)
		if len(data) > 0 {
			copy(file[HeaderSize:mOffCRC], data[:min(len(data), mOffCRC-HeaderSize)])
		}
		SetType(file, TypeMeta)
		SetEpoch(file, binary.LittleEndian.Uint64(file[mOffEpoch:]))
		if rest := data[min(len(data), mOffCRC-HeaderSize):]; len(rest) > 0 {
			chain := file[2*PageSize:]
			SetType(chain, TypeChain)
			copy(chain[HeaderSize:], rest)
		}
	} else {
		file = append([]byte(nil), data...)
	}
	if fix {
		for off := 0; off+PageSize <= len(file); off += PageSize {
			page := file[off : off+PageSize]
			if Type(page) == TypeMeta {
				binary.LittleEndian.PutUint32(page[mOffCRC:], crc32.Checksum(page[mOffMagic:mOffCRC], castagnoli))
			}
			SetChecksum(page)
		}
	}
	return file
}

func FuzzOpenPage(f *testing.F) {
	// Seeds: real files (new, with checkpoints and payloads) and compact
	// descriptions of a valid meta page.
	for _, payload := range [][]byte{nil, []byte("payload"), make([]byte, PageSize)} {
		mem := vfs.NewMem()
		p, _, err := Open(mem, "f")
		if err != nil {
			f.Fatal(err)
		}
		buf := make([]byte, PageSize)
		for i := range 3 {
			no := p.Allocate()
			fillPage(buf, no, uint64(i), p.Epoch())
			p.WritePage(no, buf)
		}
		if payload != nil {
			cp := p.BeginCheckpoint()
			if err := p.FinishCheckpoint(cp, payload); err != nil {
				f.Fatal(err)
			}
		}
		p.Close()
		data, _ := mem.ReadFile("f")
		f.Add(data, false)
		f.Add(data[:2*PageSize+100], true)
		// Compact: the meta body of the newest slot and its chain body.
		f.Add(append(append([]byte{}, data[HeaderSize:mOffCRC]...), data[2*PageSize+HeaderSize:2*PageSize+HeaderSize+64]...), true)
	}
	f.Add([]byte{}, false)
	f.Add([]byte{}, true)

	f.Fuzz(func(t *testing.T, data []byte, fix bool) {
		mem := vfs.NewMem()
		file, err := mem.OpenFile("f", os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		file.WriteAt(fileFromFuzz(data, fix), 0)
		file.Close()

		p, payload, err := Open(mem, "f")
		if err != nil {
			return
		}
		// A file that opened must behave: every page reads or reports an
		// error, allocation and a checkpoint work, and the payload
		// survives a reopen.
		buf := make([]byte, PageSize)
		for no := PageNo(0); no < p.NumPages() && no < 64; no++ {
			p.ReadPage(no, buf)
		}
		for range 3 {
			no := p.Allocate()
			fillPage(buf, no, 1, p.Epoch())
			if err := p.WritePage(no, buf); err != nil {
				t.Fatal(err)
			}
		}
		cp := p.BeginCheckpoint()
		if err := p.FinishCheckpoint(cp, payload); err != nil {
			t.Fatal(err)
		}
		p.Close()
		p, again, err := Open(mem, "f")
		if err != nil {
			t.Fatalf("reopen after checkpoint: %v", err)
		}
		defer p.Close()
		if string(again) != string(payload) {
			t.Fatalf("payload changed across checkpoint: %q -> %q", payload, again)
		}
	})
}
