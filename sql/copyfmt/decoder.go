package copyfmt

import (
	"encoding/binary"
	"io"
	"unicode/utf8"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// eolType is the line ending style, fixed by the first line as in
// PostgreSQL: mixing styles afterwards is an error.
type eolType uint8

const (
	eolUnknown eolType = iota
	eolNL
	eolCR
	eolCRNL
)

// ctxKind says which CONTEXT PostgreSQL would print for the last error.
type ctxKind uint8

const (
	ctxNone     ctxKind = iota // header errors in binary mode: no context
	ctxLine                    // "COPY t, line N"
	ctxLineText                // "COPY t, line N: "<line>""
	ctxColumn                  // binary: "COPY t, line N, column c"
)

// binarySignature starts every binary COPY file.
const binarySignature = "PGCOPY\n\xff\r\n\x00"

// maxAlloc is PostgreSQL's MaxAllocSize: a binary field cannot be larger.
const maxAlloc = 0x3fffffff

const initialBufSize = 64 << 10

// Decoder reads COPY FROM data. It is not safe for concurrent use.
type Decoder struct {
	r    io.Reader
	o    Options
	null []byte

	buf        []byte
	rpos, wpos int
	eof        bool  // the reader has no more data
	rerr       error // a read error other than io.EOF

	done   bool  // end of data seen (no more rows)
	err    error // sticky error
	eol    eolType
	lineno int
	header bool // header line (or binary header) already handled

	line      []byte // raw text of the last line, for CONTEXT
	lineValid bool
	ctx       ctxKind
	errCol    int

	// plain marks bytes with no meaning to the line scanner in the fast
	// path; special marks those the slow path must look at.
	plain, special [256]bool

	attr   []byte   // de-escaped field bytes (slow path)
	fields [][]byte // the row returned by Next

	ncols        int // -1: no column count known, no count checks
	names        []string
	forceNotNull []bool
	forceNull    []bool
}

// NewDecoder returns a Decoder reading the concatenated CopyData payloads
// from r in format o. Without SetColumns it checks no field counts.
func NewDecoder(r io.Reader, o Options) *Decoder {
	d := &Decoder{r: r, o: o, null: []byte(o.Null), ncols: -1, buf: make([]byte, 0, initialBufSize), attr: make([]byte, 0, 256)}
	for c := 1; c < 0x80; c++ {
		d.plain[c] = true
	}
	for _, c := range []byte{0, '\\', '\r', '\n'} {
		d.plain[c] = false
		d.special[c] = true
	}
	for c := 0x80; c < 0x100; c++ {
		d.special[c] = true
	}
	if o.Format == CSV {
		d.plain[o.Quote], d.plain[o.Escape] = false, false
		d.special[o.Quote], d.special[o.Escape] = true, true
	}
	return d
}

// SetColumns sets the COPY's column names: their number is the expected
// field count, the names go into error messages, HEADER MATCH compares
// against them and FORCE_NOT_NULL / FORCE_NULL are resolved by them.
func (d *Decoder) SetColumns(names []string) {
	d.names = names
	d.ncols = len(names)
	d.forceNotNull = flags(names, d.o.ForceNotNull, false)
	d.forceNull = flags(names, d.o.ForceNull, false)
}

// Line returns PostgreSQL's cur_lineno: the 1-based number of the last line
// (text, csv; the header is line 1) or row (binary) read, 0 before any.
func (d *Decoder) Line() int { return d.lineno }

// Next returns the next row's fields: a nil entry is NULL; text and csv
// fields are de-escaped, binary fields are the raw field bytes. It returns
// io.EOF after the last row. The slices are only valid until the next call.
//
// When a row has fewer fields than columns Next returns the fields it has
// together with the "missing data for column" error: PostgreSQL converts
// the present fields first, so a caller wanting its exact error precedence
// converts those before reporting this error.
func (d *Decoder) Next() ([][]byte, error) {
	if d.err != nil {
		return nil, d.err
	}
	var (
		f   [][]byte
		err error
	)
	if d.o.Format == Binary {
		f, err = d.nextBinary()
	} else {
		f, err = d.nextText()
	}
	if err != nil && err != io.EOF {
		d.err = err
		if d.rerr != nil {
			d.ctx = ctxNone
		}
	}
	return f, err
}

// fill reads more data into buf, compacting or growing it first.
func (d *Decoder) fill() {
	if d.eof {
		return
	}
	if d.wpos == cap(d.buf) {
		if d.rpos > 0 {
			n := copy(d.buf[:cap(d.buf)], d.buf[d.rpos:d.wpos])
			d.rpos, d.wpos = 0, n
		}
		if d.wpos == cap(d.buf) {
			nb := make([]byte, 0, 2*cap(d.buf))
			n := copy(nb[:cap(nb)], d.buf[d.rpos:d.wpos])
			d.buf, d.rpos, d.wpos = nb, 0, n
		}
	}
	for tries := 0; tries < 100; tries++ {
		n, err := d.r.Read(d.buf[d.wpos:cap(d.buf)])
		d.wpos += n
		d.buf = d.buf[:d.wpos]
		if err != nil {
			d.eof = true
			if err != io.EOF {
				d.rerr = err
			}
			return
		}
		if n > 0 {
			return
		}
	}
	d.eof, d.rerr = true, io.ErrNoProgress
}

// ensure makes n bytes after rpos available; false when the input ends first.
func (d *Decoder) ensure(n int) bool {
	for d.wpos-d.rpos < n {
		if d.eof {
			return false
		}
		d.fill()
	}
	return true
}

// drain discards the rest of the input: PostgreSQL ignores what follows
// the end-of-copy marker up to the protocol's end of data.
func (d *Decoder) drain() {
	d.rpos = d.wpos
	if !d.eof {
		_, _ = io.Copy(io.Discard, d.r)
		d.eof = true
	}
}

func badFormat(format string, args ...any) *pgerror.Error {
	return pgerror.New(pgerror.BadCopyFileFormat, format, args...)
}

// ---- text and csv ----

func (d *Decoder) nextText() ([][]byte, error) {
	if d.done {
		return nil, io.EOF
	}
	if d.o.Header && !d.header {
		d.header = true
		d.lineno++
		line, done, simple, err := d.readLine()
		if err != nil {
			return nil, err
		}
		if d.o.HeaderMatch {
			if err := d.matchHeader(line, simple); err != nil {
				return nil, err
			}
		}
		if done {
			d.done = true
			return nil, io.EOF
		}
	}
	d.lineno++
	line, done, simple, err := d.readLine()
	if err != nil {
		return nil, err
	}
	if done {
		d.done = true
		if len(line) == 0 {
			return nil, io.EOF
		}
	}
	f, err := d.splitLine(line, simple)
	if err != nil {
		return nil, err
	}
	if d.ncols > 0 && len(f) > d.ncols {
		d.ctx = ctxLineText
		return nil, badFormat("extra data after last expected column")
	}
	if d.ncols > len(f) {
		d.ctx = ctxLineText
		return f, badFormat("missing data for column \"%s\"", d.names[len(f)])
	}
	if d.o.Format == CSV {
		d.applyForce(f)
	}
	return f, nil
}

// applyForce applies FORCE_NOT_NULL (NULL becomes the null string) and
// FORCE_NULL (a quoted null string becomes NULL).
func (d *Decoder) applyForce(f [][]byte) {
	for i := range f {
		if i < len(d.forceNotNull) && d.forceNotNull[i] && f[i] == nil {
			f[i] = d.null[:len(d.null):len(d.null)]
			if f[i] == nil {
				f[i] = []byte{}
			}
		} else if i < len(d.forceNull) && d.forceNull[i] && f[i] != nil && string(f[i]) == d.o.Null {
			f[i] = nil
		}
	}
}

func (d *Decoder) matchHeader(line []byte, simple bool) error {
	f, err := d.splitLine(line, simple)
	if err != nil {
		return err
	}
	d.ctx = ctxLineText
	if len(f) != d.ncols {
		return badFormat("wrong number of fields in header line: got %d, expected %d", len(f), d.ncols)
	}
	for i, name := range d.names {
		if f[i] == nil {
			return badFormat("column name mismatch in header line field %d: got null value (\"%s\"), expected \"%s\"", i+1, d.o.Null, name)
		}
		if string(f[i]) != name {
			return badFormat("column name mismatch in header line field %d: got \"%s\", expected \"%s\"", i+1, f[i], name)
		}
	}
	return nil
}

// readLine returns the next line without its end of line. done reports the
// end of data (input end or an end-of-copy marker); the returned line may
// still hold a last row then. simple means the line holds no backslash
// (text) or quote character (csv), so fields need no de-escaping.
func (d *Decoder) readLine() (line []byte, done, simple bool, err error) {
	d.lineValid = false
	d.ctx = ctxLine
	// Fast path: a complete '\n'-terminated line of plain ASCII with no
	// backslash, carriage return or (csv) quote, once '\n' is the style.
	// Data often arrives one short CopyData at a time, so it reads more
	// rather than give up when the buffer holds no full line yet.
	if d.eol == eolNL || d.eol == eolUnknown {
		off := 0
	scan:
		for {
			data := d.buf[d.rpos:d.wpos]
			for i := off; i < len(data); i++ {
				c := data[i]
				if c == '\n' {
					d.eol = eolNL
					d.rpos += i + 1
					d.line, d.lineValid = data[:i], true
					return data[:i], false, true, nil
				}
				if d.plain[c] {
					continue
				}
				break scan
			}
			if d.eof {
				break
			}
			off = len(data)
			d.fill()
		}
	}
	line, done, err = d.readLineSlow()
	if err != nil {
		return nil, false, false, err
	}
	d.line, d.lineValid = line, true
	if done {
		d.drain()
	}
	return line, done, false, nil
}

// byteAt returns the byte at off after rpos, validating the encoding of the
// character starting there: PostgreSQL verifies its input before the line
// scanner sees it and fails when the scanner reaches a bad byte. size is the
// character's length; ok is false at the end of input.
func (d *Decoder) byteAt(off int) (c byte, size int, ok bool, err error) {
	if !d.ensure(off + 1) {
		return 0, 0, false, nil
	}
	c = d.buf[d.rpos+off]
	if c != 0 && c < 0x80 {
		return c, 1, true, nil
	}
	if c != 0 {
		d.ensure(off + utf8.UTFMax)
		end := min(d.wpos, d.rpos+off+utf8.UTFMax)
		r, n := utf8.DecodeRune(d.buf[d.rpos+off : end])
		if r != utf8.RuneError || n > 1 {
			return c, n, true, nil
		}
	}
	return 0, 0, false, invalidEncoding(d.buf[d.rpos+off : d.wpos])
}

// invalidEncoding is PostgreSQL's report_invalid_encoding for UTF8: it
// shows the bytes of the bad character as its first byte announces them.
func invalidEncoding(b []byte) *pgerror.Error {
	n := 1
	switch c := b[0]; {
	case c&0xe0 == 0xc0:
		n = 2
	case c&0xf0 == 0xe0:
		n = 3
	case c&0xf8 == 0xf0:
		n = 4
	}
	n = min(n, len(b))
	s := make([]byte, 0, 5*n)
	const hex = "0123456789abcdef"
	for i := 0; i < n; i++ {
		if i > 0 {
			s = append(s, ' ')
		}
		s = append(s, '0', 'x', hex[b[i]>>4], hex[b[i]&15])
	}
	return pgerror.New(pgerror.CharacterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\": %s", s)
}

// readLineSlow is PostgreSQL 15's CopyReadLineText, byte for byte: line
// endings and their consistency, the end-of-copy marker (in text mode
// anywhere a backslash-period is followed by the end of line, in csv mode
// only at the start of a line), quoted newlines in csv.
func (d *Decoder) readLineSlow() (line []byte, done bool, err error) {
	csv := d.o.Format == CSV
	var quotec, escapec byte
	hasEsc := false
	if csv {
		quotec, escapec = d.o.Quote, d.o.Escape
		hasEsc = quotec != escapec
	}
	crErr := func() error {
		if csv {
			return badFormat("unquoted carriage return found in data").WithHint("Use quoted CSV field to represent carriage return.")
		}
		return badFormat("literal carriage return found in data").WithHint("Use \"\\r\" to represent carriage return.")
	}
	// next returns the byte at off, or 0 at the end of input (PostgreSQL's
	// zero pad after the data).
	next := func(off int) (byte, error) {
		c, _, ok, err := d.byteAt(off)
		if !ok {
			return 0, err
		}
		return c, nil
	}
	off := 0
	first := true
	inQuote, lastWasEsc := false, false
	for {
		// Skip ordinary characters in one tight loop.
		if i := d.rpos + off; i < d.wpos && !d.special[d.buf[i]] {
			for i < d.wpos && !d.special[d.buf[i]] {
				i++
			}
			off = i - d.rpos
			first, lastWasEsc = false, false
			continue
		}
		c, size, ok, err := d.byteAt(off)
		if err != nil {
			return nil, false, err
		}
		if !ok {
			line = d.buf[d.rpos : d.rpos+off]
			d.rpos += off
			return line, true, nil
		}
		prev := off
		off += size
		if size > 1 { // a multibyte character is never special
			first = false
			lastWasEsc = false
			continue
		}
		if csv {
			if inQuote && hasEsc && c == escapec {
				lastWasEsc = !lastWasEsc
			}
			if c == quotec && !lastWasEsc {
				inQuote = !inQuote
			}
			if !hasEsc || c != escapec {
				lastWasEsc = false
			}
			// PostgreSQL counts physical lines inside quoted fields too.
			if inQuote && ((d.eol == eolNL && c == '\n') || (d.eol != eolNL && c == '\r')) {
				d.lineno++
			}
		}
		if c == '\r' && (!csv || !inQuote) {
			consumed := off
			switch d.eol {
			case eolUnknown, eolCRNL:
				c2, err := next(off)
				if err != nil {
					return nil, false, err
				}
				if c2 == '\n' {
					consumed++
					d.eol = eolCRNL
				} else {
					if d.eol == eolCRNL {
						return nil, false, crErr()
					}
					d.eol = eolCR
				}
			case eolNL:
				return nil, false, crErr()
			}
			line = d.buf[d.rpos : d.rpos+prev]
			d.rpos += consumed
			return line, false, nil
		}
		if c == '\n' && (!csv || !inQuote) {
			if d.eol == eolCR || d.eol == eolCRNL {
				if csv {
					return nil, false, badFormat("unquoted newline found in data").WithHint("Use quoted CSV field to represent newline.")
				}
				return nil, false, badFormat("literal newline found in data").WithHint("Use \"\\n\" to represent newline.")
			}
			d.eol = eolNL
			line = d.buf[d.rpos : d.rpos+prev]
			d.rpos += off
			return line, false, nil
		}
		if c == '\\' && (!csv || first) {
			c2, size2, ok, err := d.byteAt(off)
			if err != nil {
				return nil, false, err
			}
			if !ok { // backslash just before the end: data
				line = d.buf[d.rpos : d.rpos+off]
				d.rpos += off
				return line, true, nil
			}
			if c2 == '.' {
				off++
				notEnd := false
				if d.eol == eolCRNL {
					c3, err := next(off)
					if err != nil {
						return nil, false, err
					}
					off++
					if c3 == '\n' {
						if !csv {
							return nil, false, badFormat("end-of-copy marker does not match previous newline style")
						}
						notEnd = true
					} else if c3 != '\r' {
						if !csv {
							return nil, false, badFormat("end-of-copy marker corrupt")
						}
						notEnd = true
					}
				}
				if !notEnd {
					c3, err := next(off)
					if err != nil {
						return nil, false, err
					}
					off++
					if c3 != '\r' && c3 != '\n' {
						if !csv {
							return nil, false, badFormat("end-of-copy marker corrupt")
						}
						notEnd = true
					} else if (d.eol == eolNL && c3 != '\n') || (d.eol == eolCRNL && c3 != '\n') || (d.eol == eolCR && c3 != '\r') {
						return nil, false, badFormat("end-of-copy marker does not match previous newline style")
					}
				}
				if !notEnd {
					line = d.buf[d.rpos : d.rpos+prev]
					d.rpos += min(off, d.wpos-d.rpos)
					return line, true, nil
				}
				off = prev + 1
			} else if !csv {
				// Anything after a backslash is data in text mode, even an
				// end of line; skipping it keeps \\. from looking like the
				// end marker.
				off += size2
			}
		}
		first = false
	}
}

// splitLine splits a line into fields, de-escaping them, and marks the
// null marker as nil.
func (d *Decoder) splitLine(line []byte, simple bool) ([][]byte, error) {
	d.ctx = ctxLineText
	if d.ncols == 0 {
		if len(line) != 0 {
			return nil, badFormat("extra data after last expected column")
		}
		return d.fields[:0], nil
	}
	if simple {
		return d.splitSimple(line), nil
	}
	if d.o.Format == CSV {
		return d.splitCSV(line)
	}
	return d.splitText(line)
}

// splitSimple splits a line that needs no de-escaping: the fields are
// slices of the line itself.
func (d *Decoder) splitSimple(line []byte) [][]byte {
	f := d.fields[:0]
	delim := d.o.Delimiter
	start := 0
	for i := 0; ; i++ {
		if i == len(line) || line[i] == delim {
			fld := line[start:i:i]
			// In csv an unquoted field equal to the null string is NULL;
			// no quote can be present on this path.
			if len(fld) == len(d.null) && string(fld) == d.o.Null {
				fld = nil
			} else if fld == nil {
				fld = []byte{}
			}
			f = append(f, fld)
			if i == len(line) {
				break
			}
			start = i + 1
		}
	}
	d.fields = f
	return f
}

// reserveAttr makes room for n de-escaped bytes without reallocation, so
// that earlier fields of the row stay valid.
func (d *Decoder) reserveAttr(n int) {
	if cap(d.attr) < n+1 {
		d.attr = make([]byte, 0, n+n/2+16)
	}
	d.attr = d.attr[:0]
}

// splitText is CopyReadAttributesText: backslash escapes (\b \f \n \r \t
// \v, octal \ooo, hex \xhh, any other character literally); the null
// marker is matched against the raw field before de-escaping.
func (d *Decoder) splitText(line []byte) ([][]byte, error) {
	d.reserveAttr(len(line))
	out := d.attr
	f := d.fields[:0]
	delim := d.o.Delimiter
	p := 0
	for {
		start := p
		ostart := len(out)
		foundDelim := false
		sawNonASCII := false
		end := p
		for {
			end = p
			if p >= len(line) {
				break
			}
			c := line[p]
			p++
			if c == delim {
				foundDelim = true
				break
			}
			if c == '\\' {
				if p >= len(line) {
					break
				}
				c = line[p]
				p++
				switch c {
				case '0', '1', '2', '3', '4', '5', '6', '7':
					val := int(c - '0')
					if p < len(line) && isOctal(line[p]) {
						val = val<<3 + int(line[p]-'0')
						p++
						if p < len(line) && isOctal(line[p]) {
							val = val<<3 + int(line[p]-'0')
							p++
						}
					}
					c = byte(val)
					if c == 0 || c >= 0x80 {
						sawNonASCII = true
					}
				case 'x':
					if p < len(line) && isHex(line[p]) {
						val := hexVal(line[p])
						p++
						if p < len(line) && isHex(line[p]) {
							val = val<<4 + hexVal(line[p])
							p++
						}
						c = byte(val)
						if c == 0 || c >= 0x80 {
							sawNonASCII = true
						}
					}
				case 'b':
					c = '\b'
				case 'f':
					c = '\f'
				case 'n':
					c = '\n'
				case 'r':
					c = '\r'
				case 't':
					c = '\t'
				case 'v':
					c = '\v'
				}
			}
			out = append(out, c)
		}
		raw := line[start:end]
		fld := out[ostart:len(out):len(out)]
		if len(raw) == len(d.null) && string(raw) == d.o.Null {
			fld = nil
		} else if sawNonASCII {
			if err := verifyUTF8(fld); err != nil {
				return nil, err
			}
		}
		f = append(f, fld)
		if !foundDelim {
			break
		}
	}
	d.attr = out
	d.fields = f
	return f, nil
}

// verifyUTF8 is pg_verifymbstr: NUL bytes are invalid too.
func verifyUTF8(b []byte) error {
	for i := 0; i < len(b); {
		c := b[i]
		if c != 0 && c < 0x80 {
			i++
			continue
		}
		if c != 0 {
			r, n := utf8.DecodeRune(b[i:])
			if r != utf8.RuneError || n > 1 {
				i += n
				continue
			}
		}
		return invalidEncoding(b[i:])
	}
	return nil
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func hexVal(c byte) int {
	switch {
	case c >= 'a':
		return int(c-'a') + 10
	case c >= 'A':
		return int(c-'A') + 10
	}
	return int(c - '0')
}

// splitCSV is CopyReadAttributesCSV: quoted sections may hold the
// delimiter and line ends; inside them the escape character escapes the
// quote and itself; only an entirely unquoted field can be NULL.
func (d *Decoder) splitCSV(line []byte) ([][]byte, error) {
	d.reserveAttr(len(line))
	out := d.attr
	f := d.fields[:0]
	delim, quotec, escapec := d.o.Delimiter, d.o.Quote, d.o.Escape
	p := 0
	for {
		start := p
		ostart := len(out)
		foundDelim, sawQuote := false, false
		end := p
	field:
		for {
			// not in quotes
			for {
				end = p
				if p >= len(line) {
					break field
				}
				c := line[p]
				p++
				if c == delim {
					foundDelim = true
					break field
				}
				if c == quotec {
					sawQuote = true
					break
				}
				out = append(out, c)
			}
			// in quotes
			for {
				end = p
				if p >= len(line) {
					return nil, badFormat("unterminated CSV quoted field")
				}
				c := line[p]
				p++
				if c == escapec && p < len(line) {
					if n := line[p]; n == escapec || n == quotec {
						out = append(out, n)
						p++
						continue
					}
				}
				if c == quotec {
					break
				}
				out = append(out, c)
			}
		}
		fld := out[ostart:len(out):len(out)]
		if !sawQuote && end-start == len(d.null) && string(line[start:end]) == d.o.Null {
			fld = nil
		}
		f = append(f, fld)
		if !foundDelim {
			break
		}
	}
	d.attr = out
	d.fields = f
	return f, nil
}

// ---- binary ----

func (d *Decoder) readBinaryHeader() error {
	d.ctx = ctxNone
	if !d.ensure(len(binarySignature)) || string(d.buf[d.rpos:d.rpos+len(binarySignature)]) != binarySignature {
		return badFormat("COPY file signature not recognized")
	}
	d.rpos += len(binarySignature)
	if !d.ensure(4) {
		return badFormat("invalid COPY file header (missing flags)")
	}
	flags := binary.BigEndian.Uint32(d.buf[d.rpos:])
	d.rpos += 4
	if flags&(1<<16) != 0 {
		return badFormat("invalid COPY file header (WITH OIDS)")
	}
	if (flags&^(1<<16))>>16 != 0 {
		return badFormat("unrecognized critical flags in COPY file header")
	}
	if !d.ensure(4) {
		d.rpos = d.wpos
		return badFormat("invalid COPY file header (missing length)")
	}
	ext := int32(binary.BigEndian.Uint32(d.buf[d.rpos:]))
	d.rpos += 4
	if ext < 0 {
		return badFormat("invalid COPY file header (missing length)")
	}
	for ext > 0 {
		if !d.ensure(1) {
			return badFormat("invalid COPY file header (wrong length)")
		}
		n := min(int(ext), d.wpos-d.rpos)
		d.rpos += n
		ext -= int32(n)
	}
	return nil
}

func (d *Decoder) nextBinary() ([][]byte, error) {
	if !d.header {
		d.header = true
		if err := d.readBinaryHeader(); err != nil {
			return nil, err
		}
	}
	if d.done {
		return nil, io.EOF
	}
	d.lineno++
	d.ctx = ctxLine
	if !d.ensure(2) {
		d.done = true
		d.rpos = d.wpos
		return nil, io.EOF
	}
	n := int(int16(binary.BigEndian.Uint16(d.buf[d.rpos:])))
	if n == -1 {
		d.rpos += 2
		if d.ensure(1) {
			return nil, badFormat("received copy data after EOF marker")
		}
		d.done = true
		return nil, io.EOF
	}
	if (d.ncols >= 0 && n != d.ncols) || n < 0 {
		return nil, badFormat("row field count is %d, expected %d", n, d.ncols)
	}
	// Offsets are relative to rpos, which stays put until the whole row is
	// buffered: growing the buffer moves data but keeps them valid.
	type span struct{ off, n int }
	var spansArr [16]span
	spans := spansArr[:0]
	off := 2
	d.ctx = ctxColumn
	for i := 0; i < n; i++ {
		d.errCol = i
		if !d.ensure(off + 4) {
			return nil, badFormat("unexpected EOF in COPY data")
		}
		size := int(int32(binary.BigEndian.Uint32(d.buf[d.rpos+off:])))
		off += 4
		if size == -1 {
			spans = append(spans, span{-1, 0})
			continue
		}
		if size < 0 {
			return nil, badFormat("invalid field size")
		}
		if size > maxAlloc-1 {
			return nil, pgerror.New(pgerror.ProgramLimitExceeded, "out of memory").
				WithDetail("Cannot enlarge string buffer containing 0 bytes by %d more bytes.", size)
		}
		if !d.ensure(off + size) {
			return nil, badFormat("unexpected EOF in COPY data")
		}
		spans = append(spans, span{off, size})
		off += size
	}
	f := d.fields[:0]
	for _, s := range spans {
		if s.off < 0 {
			f = append(f, nil)
			continue
		}
		a := d.rpos + s.off
		f = append(f, d.buf[a:a+s.n:a+s.n])
	}
	d.rpos += off
	d.fields = f
	return f, nil
}
