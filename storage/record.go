package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Log and checkpoint formats. Integers are uvarints unless noted.
//
//	commit record:  'C' ts(8 bytes LE, patched in under the commit lock)
//	                ncreated {tree}  ndropped {tree}
//	                nwrites {tree klen key op [vlen val]}   op: 0 put, 1 delete
//	checkpoint payload: 'P' 1 lastTS nextTree walLSN ntrees {tree root pending}
const (
	recCommit   = 'C'
	payloadMark = 'P'
	opPut       = 0
	opDelete    = 1
)

// errBadRecord marks a log record or payload that does not decode; the
// engine reports it as corruption.
var errBadRecord = errors.New("storage: malformed log record")

type recWrite struct {
	tree TreeID
	key  []byte
	val  []byte
	del  bool
}

type commitRec struct {
	ts      uint64
	created []TreeID
	dropped []TreeID
	writes  []recWrite
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errBadRecord
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.err = errBadRecord
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) byte1() byte {
	if d.err != nil || len(d.b) == 0 {
		d.err = errBadRecord
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) trees() []TreeID {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.err = errBadRecord
		return nil
	}
	var ids []TreeID
	for i := uint64(0); i < n && d.err == nil; i++ {
		ids = append(ids, TreeID(d.uvarint()))
	}
	return ids
}

// decodeCommit parses a commit record; keys and values alias rec.
func decodeCommit(rec []byte) (*commitRec, error) {
	if len(rec) < 9 || rec[0] != recCommit {
		return nil, errBadRecord
	}
	c := &commitRec{ts: binary.LittleEndian.Uint64(rec[1:9])}
	d := &decoder{b: rec[9:]}
	c.created = d.trees()
	c.dropped = d.trees()
	n := d.uvarint()
	for i := uint64(0); i < n && d.err == nil; i++ {
		w := recWrite{tree: TreeID(d.uvarint())}
		w.key = d.bytes()
		switch d.byte1() {
		case opPut:
			w.val = d.bytes()
		case opDelete:
			w.del = true
		default:
			d.err = errBadRecord
		}
		c.writes = append(c.writes, w)
	}
	if d.err == nil && len(d.b) != 0 {
		d.err = errBadRecord
	}
	if d.err != nil {
		return nil, d.err
	}
	return c, nil
}

func appendTrees(b []byte, ids []TreeID) []byte {
	b = binary.AppendUvarint(b, uint64(len(ids)))
	for _, id := range ids {
		b = binary.AppendUvarint(b, uint64(id))
	}
	return b
}

// ckptTree is one tree in a checkpoint payload.
type ckptTree struct {
	id      TreeID
	root    uint64
	pending bool
}

type ckptPayload struct {
	lastTS   uint64
	nextTree TreeID
	walLSN   uint64
	trees    []ckptTree
}

func (p *ckptPayload) encode() []byte {
	b := []byte{payloadMark, 1}
	b = binary.AppendUvarint(b, p.lastTS)
	b = binary.AppendUvarint(b, uint64(p.nextTree))
	b = binary.AppendUvarint(b, p.walLSN)
	b = binary.AppendUvarint(b, uint64(len(p.trees)))
	for _, t := range p.trees {
		b = binary.AppendUvarint(b, uint64(t.id))
		b = binary.AppendUvarint(b, t.root)
		pend := uint64(0)
		if t.pending {
			pend = 1
		}
		b = binary.AppendUvarint(b, pend)
	}
	return b
}

func decodePayload(b []byte) (*ckptPayload, error) {
	if len(b) < 2 || b[0] != payloadMark || b[1] != 1 {
		return nil, fmt.Errorf("%w: checkpoint payload of %d bytes has no valid header", errBadRecord, len(b))
	}
	d := &decoder{b: b[2:]}
	p := &ckptPayload{lastTS: d.uvarint(), nextTree: TreeID(d.uvarint()), walLSN: d.uvarint()}
	n := d.uvarint()
	for i := uint64(0); i < n && d.err == nil; i++ {
		p.trees = append(p.trees, ckptTree{id: TreeID(d.uvarint()), root: d.uvarint(), pending: d.uvarint() == 1})
	}
	if d.err != nil {
		return nil, d.err
	}
	return p, nil
}
