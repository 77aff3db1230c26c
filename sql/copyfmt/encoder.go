package copyfmt

import (
	"encoding/binary"
)

// Encoder writes COPY TO data. It is not safe for concurrent use.
type Encoder struct {
	o          Options
	names      []string
	forceQuote []bool
	// special marks the bytes a text field must escape, so that plain
	// fields are copied in one append.
	special [256]bool
}

// NewEncoder returns an Encoder for format o.
func NewEncoder(o Options) *Encoder {
	e := &Encoder{o: o}
	switch o.Format {
	case Text:
		for c := 0; c < 0x20; c++ {
			e.special[c] = true
		}
		e.special['\\'] = true
		e.special[o.Delimiter] = true
	case CSV:
		e.special[o.Delimiter] = true
		e.special[o.Quote] = true
		e.special['\n'] = true
		e.special['\r'] = true
	}
	return e
}

// SetColumns sets the column names: the HEADER line prints them, FORCE_QUOTE
// names are resolved against them, and a single column makes csv quote a
// lone `\.` so it is not read back as the end marker.
func (e *Encoder) SetColumns(names []string) {
	e.names = names
	e.forceQuote = flags(names, e.o.ForceQuote, e.o.ForceQuoteAll)
}

// AppendHeader appends what precedes the rows: the binary signature, flags
// and empty extension area, or the HEADER line in text and csv when the
// HEADER option is on, else nothing.
func (e *Encoder) AppendHeader(buf []byte) []byte {
	switch {
	case e.o.Format == Binary:
		buf = append(buf, binarySignature...)
		return append(buf, 0, 0, 0, 0, 0, 0, 0, 0)
	case !e.o.Header:
		return buf
	}
	for i, n := range e.names {
		if i > 0 {
			buf = append(buf, e.o.Delimiter)
		}
		if e.o.Format == CSV {
			buf = e.appendCSV(buf, []byte(n), false)
		} else {
			buf = e.appendText(buf, []byte(n))
		}
	}
	return append(buf, '\n')
}

// AppendRow appends one row. A nil field is NULL; the others are the
// values' text forms (text, csv) or binary forms (binary).
func (e *Encoder) AppendRow(buf []byte, fields [][]byte) []byte {
	if e.o.Format == Binary {
		buf = binary.BigEndian.AppendUint16(buf, uint16(len(fields)))
		for _, f := range fields {
			if f == nil {
				buf = append(buf, 0xff, 0xff, 0xff, 0xff)
				continue
			}
			buf = binary.BigEndian.AppendUint32(buf, uint32(len(f)))
			buf = append(buf, f...)
		}
		return buf
	}
	for i, f := range fields {
		if i > 0 {
			buf = append(buf, e.o.Delimiter)
		}
		switch {
		case f == nil:
			buf = append(buf, e.o.Null...)
		case e.o.Format == CSV:
			buf = e.appendCSV(buf, f, i < len(e.forceQuote) && e.forceQuote[i])
		default:
			buf = e.appendText(buf, f)
		}
	}
	return append(buf, '\n')
}

// AppendTrailer appends the binary end marker (-1); nothing otherwise.
func (e *Encoder) AppendTrailer(buf []byte) []byte {
	if e.o.Format == Binary {
		return append(buf, 0xff, 0xff)
	}
	return buf
}

// appendText is CopyAttributeOutText: \b \f \n \r \t \v become escapes,
// a backslash or the delimiter is backslashed, other control characters
// pass as they are.
func (e *Encoder) appendText(buf, f []byte) []byte {
	start := 0
	for i, c := range f {
		if !e.special[c] {
			continue
		}
		var esc byte
		switch c {
		case '\b':
			esc = 'b'
		case '\f':
			esc = 'f'
		case '\n':
			esc = 'n'
		case '\r':
			esc = 'r'
		case '\t':
			esc = 't'
		case '\v':
			esc = 'v'
		default:
			if c < 0x20 && c != e.o.Delimiter {
				continue
			}
			// backslash or delimiter: backslash it, keep the character
			buf = append(buf, f[start:i]...)
			buf = append(buf, '\\')
			start = i
			continue
		}
		buf = append(buf, f[start:i]...)
		buf = append(buf, '\\', esc)
		start = i + 1
	}
	return append(buf, f[start:]...)
}

// appendCSV is CopyAttributeOutCSV: quote when forced, when the value
// equals the null string, when it is a lone `\.` in a one-column COPY, or
// when it holds the delimiter, the quote or a line end; inside quotes the
// quote and escape characters are preceded by the escape character.
func (e *Encoder) appendCSV(buf, f []byte, quote bool) []byte {
	if !quote && string(f) == e.o.Null {
		quote = true
	}
	if !quote {
		if len(e.names) == 1 && string(f) == `\.` {
			quote = true
		} else {
			for _, c := range f {
				if e.special[c] {
					quote = true
					break
				}
			}
		}
	}
	if !quote {
		return append(buf, f...)
	}
	q, esc := e.o.Quote, e.o.Escape
	buf = append(buf, q)
	start := 0
	for i, c := range f {
		if c == q || c == esc {
			buf = append(buf, f[start:i]...)
			buf = append(buf, esc)
			start = i
		}
	}
	buf = append(buf, f[start:]...)
	return append(buf, q)
}
