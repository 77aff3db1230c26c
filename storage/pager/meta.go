package pager

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
)

// Meta page body layout (after the common header). Both meta pages have it;
// the valid one with the higher epoch is the last durable checkpoint.
const (
	metaMagic   = "NQDBMETA"
	metaVersion = 1

	mOffMagic      = HeaderSize      // [16:24) "NQDBMETA"
	mOffVersion    = mOffMagic + 8   // [24:28) format version
	mOffPageSize   = mOffVersion + 4 // [28:32) PageSize, to refuse a file of another build
	mOffEpoch      = mOffPageSize + 4
	mOffPageCount  = mOffEpoch + 8      // [40:44) pages at the cut
	mOffChainHead  = mOffPageCount + 4  // [44:48) first chain page, 0 = none
	mOffChainPages = mOffChainHead + 4  // [48:52) number of chain pages
	mOffStreamLen  = mOffChainPages + 8 // [56:64) bytes in the chain (after 4 reserved)
	mOffPayloadLen = mOffStreamLen + 8  // [64:72) payload bytes at the end of the stream
	mOffCRC        = mOffPayloadLen + 8 // [72:76) CRC-32C of [16:72)
)

// Chain page body layout: a singly linked list of pages carrying one byte
// stream (the checkpoint's free list, page count and payload).
const (
	cOffNext  = HeaderSize   // [16:20) next chain page, 0 = last
	cOffUsed  = cOffNext + 4 // [20:24) stream bytes in this page
	cOffData  = cOffUsed + 4 // [24:PageSize) stream bytes
	chainCap  = PageSize - cOffData
	firstData = 2 // the first page that is not a meta page
)

// meta is the decoded content of a meta page.
type meta struct {
	epoch      uint64
	pageCount  PageNo
	chainHead  PageNo
	chainPages uint32
	streamLen  uint64
	payloadLen uint64
}

func encodeMeta(page []byte, m meta) {
	clear(page)
	SetType(page, TypeMeta)
	SetEpoch(page, m.epoch)
	copy(page[mOffMagic:], metaMagic)
	le := binary.LittleEndian
	le.PutUint32(page[mOffVersion:], metaVersion)
	le.PutUint32(page[mOffPageSize:], PageSize)
	le.PutUint64(page[mOffEpoch:], m.epoch)
	le.PutUint32(page[mOffPageCount:], uint32(m.pageCount))
	le.PutUint32(page[mOffChainHead:], uint32(m.chainHead))
	le.PutUint32(page[mOffChainPages:], m.chainPages)
	le.PutUint64(page[mOffStreamLen:], m.streamLen)
	le.PutUint64(page[mOffPayloadLen:], m.payloadLen)
	le.PutUint32(page[mOffCRC:], crc32.Checksum(page[mOffMagic:mOffCRC], castagnoli))
	SetChecksum(page)
}

// decodeMeta validates a meta page image; the error says why it is not a
// valid meta page.
func decodeMeta(file string, no PageNo, page []byte) (meta, error) {
	if err := VerifyPage(file, no, page); err != nil {
		return meta{}, err
	}
	bad := func(format string, args ...any) (meta, error) {
		return meta{}, &CorruptionError{File: file, Page: no, Reason: fmt.Sprintf(format, args...)}
	}
	le := binary.LittleEndian
	if Type(page) != TypeMeta {
		return bad("meta page has page type %d", Type(page))
	}
	if string(page[mOffMagic:mOffMagic+8]) != metaMagic {
		return bad("bad meta magic %q", page[mOffMagic:mOffMagic+8])
	}
	if v := le.Uint32(page[mOffVersion:]); v != metaVersion {
		return bad("unsupported format version %d (this build reads %d)", v, metaVersion)
	}
	if ps := le.Uint32(page[mOffPageSize:]); ps != PageSize {
		return bad("page size %d (this build uses %d)", ps, PageSize)
	}
	if c, s := crc32.Checksum(page[mOffMagic:mOffCRC], castagnoli), le.Uint32(page[mOffCRC:]); c != s {
		return bad("meta checksum mismatch (stored %d, computed %d)", s, c)
	}
	m := meta{
		epoch:      le.Uint64(page[mOffEpoch:]),
		pageCount:  PageNo(le.Uint32(page[mOffPageCount:])),
		chainHead:  PageNo(le.Uint32(page[mOffChainHead:])),
		chainPages: le.Uint32(page[mOffChainPages:]),
		streamLen:  le.Uint64(page[mOffStreamLen:]),
		payloadLen: le.Uint64(page[mOffPayloadLen:]),
	}
	switch {
	case m.epoch != Epoch(page):
		return bad("meta epoch %d differs from header epoch %d", m.epoch, Epoch(page))
	case m.pageCount < firstData:
		return bad("page count %d is below %d", m.pageCount, firstData)
	case m.payloadLen > m.streamLen:
		return bad("payload length %d exceeds stream length %d", m.payloadLen, m.streamLen)
	case (m.chainHead == 0) != (m.chainPages == 0) || (m.chainHead == 0) != (m.streamLen == 0):
		return bad("inconsistent chain (head %d, %d pages, %d bytes)", m.chainHead, m.chainPages, m.streamLen)
	case m.chainHead != 0 && m.chainHead < firstData:
		return bad("chain head %d is a meta page", m.chainHead)
	case m.chainPages > 0 && (m.streamLen > uint64(m.chainPages)*chainCap || m.streamLen <= uint64(m.chainPages-1)*chainCap):
		return bad("stream length %d does not fit %d chain pages", m.streamLen, m.chainPages)
	}
	return m, nil
}
