package pager

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// PageSize is the size of every page of the data file.
const PageSize = 8192

// HeaderSize is the size of the header every page starts with; a page
// type's user owns bytes [HeaderSize:PageSize).
const HeaderSize = 16

// PageNo numbers the pages of the data file from 0. Pages 0 and 1 are the
// meta pages, so users may use 0 to mean "no page".
type PageNo uint32

// Page types, stored in byte 4 of the header.
const (
	TypeUnused   = 0  // never written, or zeroed
	TypeMeta     = 1  // pages 0 and 1
	TypeChain    = 2  // checkpoint chain (free list and checkpoint payload)
	TypeLeaf     = 16 // B+tree leaf
	TypeInternal = 17 // B+tree internal node
	TypeOverflow = 18 // overflow page of a long value
)

// Header field offsets.
const (
	offChecksum = 0
	offType     = 4
	offEpoch    = 8
)

// castagnoli is the CRC-32C table; hash/crc32 uses the SSE4.2 / ARMv8 CRC
// instructions for it, so a checksum costs well under a microsecond a page.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Type returns the page type stored in page's header.
func Type(page []byte) byte { return page[offType] }

// SetType stores t as page's type.
func SetType(page []byte, t byte) { page[offType] = t }

// Epoch returns the checkpoint generation page was written in.
func Epoch(page []byte) uint64 { return binary.LittleEndian.Uint64(page[offEpoch:]) }

// SetEpoch stores e as page's epoch.
func SetEpoch(page []byte, e uint64) { binary.LittleEndian.PutUint64(page[offEpoch:], e) }

// Checksum computes the checksum of a page image: CRC-32C of bytes
// [4:PageSize).
func Checksum(page []byte) uint32 {
	return crc32.Checksum(page[offChecksum+4:PageSize], castagnoli)
}

// StoredChecksum returns the checksum stored in page's header.
func StoredChecksum(page []byte) uint32 {
	return binary.LittleEndian.Uint32(page[offChecksum:])
}

// SetChecksum computes page's checksum and stores it in the header, as
// WritePage does.
func SetChecksum(page []byte) {
	binary.LittleEndian.PutUint32(page[offChecksum:], Checksum(page))
}

// VerifyPage checks a page image read from page no of file: it returns a
// *CorruptionError if the checksum does not match (an all-zero page, which
// is what an unwritten page reads as, is reported as such).
func VerifyPage(file string, no PageNo, page []byte) error {
	stored, computed := StoredChecksum(page), Checksum(page)
	if stored == computed {
		return nil
	}
	if isZero(page) {
		return &CorruptionError{File: file, Page: no, Reason: "page is all zeros (never written)"}
	}
	return &CorruptionError{File: file, Page: no,
		Reason: fmt.Sprintf("checksum mismatch (stored %d, computed %d)", stored, computed)}
}

func isZero(b []byte) bool {
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b) != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// ErrCorrupt is matched (errors.Is) by every *CorruptionError.
var ErrCorrupt = errors.New("storage: data corrupted")

// CorruptionError reports a page that failed verification or whose contents
// are impossible. Its message follows PostgreSQL's ("invalid page in block
// 7 of relation ...") so that operators recognise it; the executor maps it
// to SQLSTATE XX001 (data_corrupted).
type CorruptionError struct {
	File   string // the data file's path as given to Open
	Page   PageNo // the block number
	Reason string // what is wrong
}

// Error implements error.
func (e *CorruptionError) Error() string {
	return fmt.Sprintf("invalid page in block %d of file %q: %s", e.Page, e.File, e.Reason)
}

// Is reports whether target is ErrCorrupt.
func (e *CorruptionError) Is(target error) bool { return target == ErrCorrupt }
