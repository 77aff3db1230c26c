package btree

import (
	"encoding/binary"

	"github.com/neuroquantumdb/nqdb/storage/bufpool"
	"github.com/neuroquantumdb/nqdb/storage/pager"
)

// Overflow chains hold values too large for a leaf cell. Each page holds
// a next pointer and up to ovfCap value bytes; the leaf cell keeps the
// total length, so the last page's fill is implied. Chains are immutable:
// a new value gets a new chain and the old chain is freed, so they never
// need copy-on-write.

// chainPages is the number of pages a chain of total bytes occupies.
func chainPages(total int) int { return (total + ovfCap - 1) / ovfCap }

// writeChain stores val in a new chain and returns its first page. On
// error the pages written so far are freed (best effort).
func writeChain(bp *bufpool.Pool, val []byte) (pager.PageNo, error) {
	f, err := bp.Allocate(pager.TypeOverflow)
	if err != nil {
		return 0, err
	}
	first := f.No()
	size := len(val)
	for {
		d := f.Data()
		k := copy(d[ovfDataOff:], val)
		val = val[k:]
		if len(val) == 0 {
			binary.LittleEndian.PutUint32(d[ovfNextOff:], 0)
			bp.MarkDirty(f)
			bp.Unpin(f)
			return first, nil
		}
		nf, err := bp.Allocate(pager.TypeOverflow)
		if err != nil {
			binary.LittleEndian.PutUint32(d[ovfNextOff:], 0)
			bp.MarkDirty(f)
			bp.Unpin(f)
			_ = freeChain(bp, first, size)
			return 0, err
		}
		binary.LittleEndian.PutUint32(d[ovfNextOff:], uint32(nf.No()))
		bp.MarkDirty(f)
		bp.Unpin(f)
		f = nf
	}
}

// readChain appends the total bytes of the chain at first to buf.
func readChain(bp *bufpool.Pool, first pager.PageNo, total int, buf []byte) ([]byte, error) {
	if cap(buf)-len(buf) < total {
		nb := make([]byte, len(buf), len(buf)+total)
		copy(nb, buf)
		buf = nb
	}
	no := first
	for rem := total; rem > 0; {
		if no == 0 {
			return nil, corruptf(first, "overflow chain ends %d bytes early", rem)
		}
		f, err := bp.Get(no)
		if err != nil {
			return nil, err
		}
		d := f.Data()
		if pager.Type(d) != pager.TypeOverflow {
			bp.Unpin(f)
			return nil, corruptf(no, "overflow chain reaches a page of type %d", pager.Type(d))
		}
		k := min(rem, ovfCap)
		buf = append(buf, d[ovfDataOff:ovfDataOff+k]...)
		rem -= k
		next := pager.PageNo(binary.LittleEndian.Uint32(d[ovfNextOff:]))
		bp.Unpin(f)
		no = next
	}
	return buf, nil
}

// freeChain frees the chain at first, which holds total bytes (the bound
// protects against a corrupt cycle).
func freeChain(bp *bufpool.Pool, first pager.PageNo, total int) error {
	for no, left := first, chainPages(total); no != 0 && left > 0; left-- {
		f, err := bp.Get(no)
		if err != nil {
			return err
		}
		d := f.Data()
		if pager.Type(d) != pager.TypeOverflow {
			bp.Unpin(f)
			return corruptf(no, "overflow chain reaches a page of type %d", pager.Type(d))
		}
		next := pager.PageNo(binary.LittleEndian.Uint32(d[ovfNextOff:]))
		if err := bp.Free(f); err != nil {
			return err
		}
		no = next
	}
	return nil
}
