package eval

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/cockroachdb/apd/v3"

	"github.com/neuroquantumdb/nqdb/executor/rowcodec"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
	"github.com/neuroquantumdb/nqdb/storage/vfs"
)

// TempSpace is the directory where operators spill past work_mem: the
// data directory's pgsql_tmp, as PostgreSQL's base/pgsql_tmp. Every file
// in it belongs to one running operator and is removed when the operator
// closes (at the end of the query, on an error or on cancellation);
// NewTempSpace removes what a crash left, as PostgreSQL cleans pgsql_tmp
// at start. Files are written once, front to back, through a buffer, and
// read back through buffers of their own; nothing is synced, since
// nothing in them outlives the process.
type TempSpace struct {
	fs  vfs.FS
	dir string
	seq atomic.Uint64
	// live counts the files open now; written sums the bytes ever
	// written (pg_stat_database.temp_bytes-like); files counts the files
	// ever made (temp_files).
	live, written, files atomic.Int64
}

// TempDirName is the temporary directory's name inside the data directory.
const TempDirName = "pgsql_tmp"

// NewTempSpace opens dir (made if missing) on fs as the temporary space,
// removing every file a previous run left in it.
func NewTempSpace(fs vfs.FS, dir string) (*TempSpace, error) {
	if fs == nil {
		fs = vfs.OS
	}
	if err := fs.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	names, err := fs.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		if err := fs.Remove(path.Join(dir, n)); err != nil && !os.IsNotExist(err) {
			return nil, err
		}
	}
	return &TempSpace{fs: fs, dir: dir}, nil
}

// Dir is the directory the files are made in.
func (s *TempSpace) Dir() string { return s.dir }

// Live is the number of temporary files open now (tests check it drops
// to zero after every query).
func (s *TempSpace) Live() int { return int(s.live.Load()) }

// Totals are the number of temporary files ever made and the bytes
// written to them.
func (s *TempSpace) Totals() (files, bytes int64) { return s.files.Load(), s.written.Load() }

// TempSpacer is implemented by an Env whose operators may spill to disk;
// without it every sort and hash table stays in memory whatever work_mem
// says.
type TempSpacer interface {
	TempSpace() *TempSpace
}

// spillBufSize is the write buffer of a temporary file and the read
// buffer of each of its readers.
const spillBufSize = 32 << 10

// spillFile is one temporary file: records (a uvarint length and the
// bytes) appended through a buffer, then read back with spillReaders.
type spillFile struct {
	s       *TempSpace
	f       vfs.File
	name    string
	buf     []byte
	flushed int64 // bytes on disk
	n       int64 // records written
	limit   *spillLimit
}

// spillLimit is temp_file_limit for one query: the bytes its files may
// hold in all (negative = no limit).
type spillLimit struct {
	max, used int64
}

// create makes a new temporary file.
func (s *TempSpace) create(limit *spillLimit) (*spillFile, error) {
	name := path.Join(s.dir, "nqdb_tmp"+strconv.Itoa(os.Getpid())+"."+strconv.FormatUint(s.seq.Add(1), 10))
	f, err := s.fs.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, pgerror.New(pgerror.InternalError, "could not create temporary file \"%s\": %v", name, err)
	}
	s.live.Add(1)
	s.files.Add(1)
	return &spillFile{s: s, f: f, name: name, buf: make([]byte, 0, spillBufSize), limit: limit}, nil
}

// write appends one record.
func (f *spillFile) write(rec []byte) error {
	if f.f == nil {
		return pgerror.New(pgerror.InternalError, "write to a closed temporary file")
	}
	f.buf = binary.AppendUvarint(f.buf, uint64(len(rec)))
	f.buf = append(f.buf, rec...)
	f.n++
	if len(f.buf) >= spillBufSize {
		return f.flush()
	}
	return nil
}

// flush writes the buffer out.
func (f *spillFile) flush() error {
	if len(f.buf) == 0 || f.f == nil {
		return nil
	}
	if l := f.limit; l != nil && l.max >= 0 {
		if l.used+int64(len(f.buf)) > l.max {
			return pgerror.New("53400", "temporary file size exceeds temp_file_limit (%dkB)", l.max/1024)
		}
		l.used += int64(len(f.buf))
	}
	if _, err := f.f.WriteAt(f.buf, f.flushed); err != nil {
		return pgerror.New(pgerror.InternalError, "could not write to temporary file \"%s\": %v", f.name, err)
	}
	f.flushed += int64(len(f.buf))
	f.s.written.Add(int64(len(f.buf)))
	f.buf = f.buf[:0]
	return nil
}

// size is the number of bytes written so far.
func (f *spillFile) size() int64 { return f.flushed + int64(len(f.buf)) }

// reader flushes what is buffered and returns a reader of every record.
func (f *spillFile) reader() (*spillReader, error) {
	if err := f.flush(); err != nil {
		return nil, err
	}
	return &spillReader{f: f, end: f.flushed}, nil
}

// remove closes and deletes the file; it may be called more than once.
func (f *spillFile) remove() {
	if f == nil || f.f == nil {
		return
	}
	f.f.Close()
	f.s.fs.Remove(f.name)
	f.f, f.buf = nil, nil
	f.s.live.Add(-1)
}

// spillReader reads a spillFile's records front to back.
type spillReader struct {
	f        *spillFile
	off, end int64 // file offset of buf's end, and of the data's end
	buf      []byte
	pos      int
}

// next returns the next record (valid until the following call) or
// io.EOF.
func (r *spillReader) next() ([]byte, error) {
	n, k := binary.Uvarint(r.buf[r.pos:])
	if k <= 0 || uint64(len(r.buf)-r.pos-k) < n {
		// The record is not whole in the buffer: move the rest to the
		// front and read more, enough for the record when its length is
		// known.
		if err := r.fill(int(n) + k); err != nil {
			return nil, err
		}
		if n, k = binary.Uvarint(r.buf[r.pos:]); k <= 0 || uint64(len(r.buf)-r.pos-k) < n {
			if r.pos == len(r.buf) && r.off >= r.end {
				return nil, io.EOF
			}
			if err := r.fill(int(n) + k); err != nil {
				return nil, err
			}
			if n, k = binary.Uvarint(r.buf[r.pos:]); k <= 0 || uint64(len(r.buf)-r.pos-k) < n {
				return nil, pgerror.New(pgerror.DataCorrupted, "temporary file \"%s\" is truncated", r.f.name)
			}
		}
	}
	rec := r.buf[r.pos+k : r.pos+k+int(n)]
	r.pos += k + int(n)
	return rec, nil
}

// fill keeps the unread bytes and reads at least want bytes more (or to
// the end of the data).
func (r *spillReader) fill(want int) error {
	rest := copy(r.buf[:cap(r.buf)], r.buf[r.pos:])
	size := max(spillBufSize, want+binary.MaxVarintLen64)
	if cap(r.buf) < size {
		nb := make([]byte, size)
		copy(nb, r.buf[r.pos:r.pos+rest])
		r.buf = nb
	}
	r.buf, r.pos = r.buf[:cap(r.buf)], 0
	toRead := min(int64(len(r.buf)-rest), r.end-r.off)
	if r.f.f == nil {
		return pgerror.New(pgerror.InternalError, "read of a closed temporary file")
	}
	if toRead > 0 {
		m, err := r.f.f.ReadAt(r.buf[rest:rest+int(toRead)], r.off)
		if err != nil && !(err == io.EOF && int64(m) == toRead) {
			return pgerror.New(pgerror.InternalError, "could not read from temporary file \"%s\": %v", r.f.name, err)
		}
		r.off += toRead
	}
	r.buf = r.buf[:rest+int(toRead)]
	return nil
}

// rowFile is a temporary file of rows of one row type, in rowcodec's
// encoding.
type rowFile struct {
	*spillFile
	ts  []*types.T
	enc []byte
}

func (f *rowFile) writeRow(row []types.Datum) error {
	var err error
	if f.enc, err = rowcodec.EncodeRow(f.enc[:0], f.ts, row); err != nil {
		return err
	}
	return f.write(f.enc)
}

// rowReader reads rows back from a rowFile; it is an iterator.
type rowReader struct {
	r   *spillReader
	dec *rowcodec.Decoder
	n   int
	c   *evalCtx
}

func (f *rowFile) rows(c *evalCtx) (*rowReader, error) {
	r, err := f.reader()
	if err != nil {
		return nil, err
	}
	return &rowReader{r: r, dec: rowcodec.NewDecoder(f.ts, nil), c: c}, nil
}

func (r *rowReader) next() ([]types.Datum, error) {
	if r.r == nil {
		return nil, io.EOF
	}
	if r.n++; r.n%4096 == 0 && r.c != nil {
		if err := r.c.ctx.Err(); err != nil {
			return nil, err
		}
	}
	b, err := r.r.next()
	if err != nil {
		return nil, err
	}
	return r.dec.Decode(b, nil)
}

// close stops reading; the file itself belongs to whoever made it.
func (r *rowReader) close() { r.r = nil }

// spillable reports whether rows of ts can go through rowcodec and come
// back as the same datums: the types it stores natively, arrays of them
// and enums. Anything else (records, internal pseudo-types) stays in
// memory whatever work_mem says.
func spillable(ts []*types.T) bool {
	for _, t := range ts {
		if !spillableType(t) {
			return false
		}
	}
	return true
}

func spillableType(t *types.T) bool {
	if t == nil {
		return false
	}
	switch t.OID {
	case types.OidBool, types.OidInt2, types.OidInt4, types.OidInt8, types.OidOid, types.OidRegclass,
		types.OidRegtype, types.OidRegproc, types.OidFloat4, types.OidFloat8, types.OidDate, types.OidTime,
		types.OidTimestamp, types.OidTimestampTZ, types.OidInterval, types.OidUUID, types.OidText,
		types.OidVarchar, types.OidBpchar, types.OidName, types.OidChar, types.OidJSON, types.OidJSONB,
		types.OidBytea, types.OidNumeric:
		return true
	}
	if t.Enum != nil {
		return true
	}
	if t.Elem != nil && t.Elem != t {
		return spillableType(t.Elem)
	}
	return false
}

// datumSize is a rough count of the bytes a datum holds in memory: its
// boxed value and what that points to. work_mem is measured with it.
func datumSize(d types.Datum) int64 {
	switch v := d.(type) {
	case nil:
		return 0
	case int64, float64, bool, types.DateVal, types.TimeOfDay, types.TimestampVal, types.TimestampTZVal:
		return 8
	case string:
		return 16 + int64(len(v))
	case types.JSONVal:
		return 16 + int64(len(v))
	case []byte:
		return 24 + int64(len(v))
	case *apd.Decimal:
		return 48 + int64(v.Coeff.BitLen()/8)
	case *types.Array:
		n := int64(64 + 16*len(v.Elems))
		for _, e := range v.Elems {
			n += datumSize(e)
		}
		return n
	}
	return 32
}

// rowSize is the memory a row takes: its slice header where it is kept,
// its datums' interface words and their values.
func rowSize(row []types.Datum) int64 {
	n := int64(24 + 16*len(row))
	for _, d := range row {
		n += datumSize(d)
	}
	return n
}

// spillConf is what an operator may use: limit bytes of memory (work_mem,
// times hash_mem_multiplier for hash tables) and the space to spill to
// past it (nil: stay in memory).
type spillConf struct {
	limit int64
	space *TempSpace
	files *spillLimit
}

// spillConf reads work_mem, hash_mem_multiplier and temp_file_limit from
// the session.
func (c *evalCtx) spillConf(hash bool) spillConf {
	conf := spillConf{limit: 4 << 20}
	if c.env == nil {
		return conf
	}
	if v, err := c.env.Setting("work_mem"); err == nil {
		if kb, ok := parseMemoryKB(v); ok {
			conf.limit = kb * 1024
		}
	}
	if hash {
		m := 2.0
		if v, err := c.env.Setting("hash_mem_multiplier"); err == nil {
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f >= 1 {
				m = f
			}
		}
		conf.limit = int64(float64(conf.limit) * m)
	}
	if ts, ok := c.env.(TempSpacer); ok {
		conf.space = ts.TempSpace()
	}
	conf.files = &spillLimit{max: -1}
	if v, err := c.env.Setting("temp_file_limit"); err == nil {
		if kb, ok := parseMemoryKB(v); ok {
			conf.files.max = kb * 1024
		}
	}
	return conf
}

// newRowFile makes a temporary file for rows of ts.
func (conf *spillConf) newRowFile(ts []*types.T) (*rowFile, error) {
	f, err := conf.space.create(conf.files)
	if err != nil {
		return nil, err
	}
	return &rowFile{spillFile: f, ts: ts}, nil
}

// parseMemoryKB reads a memory setting as PostgreSQL writes it ("4MB",
// "64kB", "1024" meaning kB, "-1"), in kB.
func parseMemoryKB(v string) (int64, bool) {
	v = strings.TrimSpace(v)
	i := 0
	for i < len(v) && (v[i] >= '0' && v[i] <= '9' || i == 0 && v[i] == '-') {
		i++
	}
	n, err := strconv.ParseInt(v[:i], 10, 64)
	if err != nil {
		return 0, false
	}
	if n < 0 {
		return -1, true
	}
	switch strings.TrimSpace(v[i:]) {
	case "", "kB":
		return n, true
	case "B":
		return (n + 1023) / 1024, true
	case "MB":
		return n << 10, true
	case "GB":
		return n << 20, true
	case "TB":
		return n << 30, true
	}
	return 0, false
}

// memStats returns the EXPLAIN ANALYZE record of n's memory use, or nil
// when the statement is not being measured. build registers every node
// before its iterator runs.
func (c *evalCtx) memStats(n planner.Node) *planner.MemStats {
	a := actualsOf(c.ctx)
	if a == nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	st := a.act[n]
	if st == nil {
		return nil // not a node of the plan (grouping sets' per-set aggregations)
	}
	if st.Mem == nil {
		st.Mem = &planner.MemStats{}
	}
	return st.Mem
}

// spillHash hashes key bytes for partitioning, differently at each level
// of recursion (a partition that is still too big splits again on other
// bits). FNV-1a, then a finalizer so that every bit depends on every byte.
func spillHash(key []byte, level int) uint64 {
	h := uint64(14695981039346656037) ^ uint64(level)*0x9e3779b97f4a7c15
	for _, b := range key {
		h ^= uint64(b)
		h *= 1099511628211
	}
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb3fe1a85ec53
	h ^= h >> 33
	return h
}

// maxSpillLevel bounds recursive partitioning: past it a partition is
// handled in memory (its rows all share a key, or the hash is unlucky).
const maxSpillLevel = 6

func (f *spillFile) String() string { return fmt.Sprintf("%s (%d records)", f.name, f.n) }
