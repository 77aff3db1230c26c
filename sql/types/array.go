package types

import (
	"encoding/binary"
	"strings"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// appendArrayText is array_out for one dimension: {a,b,NULL,"c d"}.
// Elements are quoted when empty, equal to NULL in any case, or containing
// a quote, backslash, brace, comma or whitespace.
func appendArrayText(buf []byte, t *T, a *Array, o *FormatOpts) []byte {
	buf = append(buf, '{')
	var tmp []byte
	for i, e := range a.Elems {
		if i > 0 {
			buf = append(buf, ',')
		}
		if e == nil {
			buf = append(buf, "NULL"...)
			continue
		}
		start := len(buf)
		buf = AppendText(buf, t.Elem, e, o)
		el := buf[start:]
		if !arrayElemNeedsQuote(el) {
			continue
		}
		tmp = append(tmp[:0], el...)
		buf = append(buf[:start], '"')
		for _, c := range tmp {
			if c == '"' || c == '\\' {
				buf = append(buf, '\\')
			}
			buf = append(buf, c)
		}
		buf = append(buf, '"')
	}
	return append(buf, '}')
}

func arrayElemNeedsQuote(el []byte) bool {
	if len(el) == 0 {
		return true
	}
	if len(el) == 4 && strings.EqualFold(string(el), "NULL") {
		return true
	}
	for _, c := range el {
		switch c {
		case '"', '\\', '{', '}', ',':
			return true
		}
		if isSpace(c) {
			return true
		}
	}
	return false
}

func errMalformedArray(s, detail string, args ...any) error {
	return pgerror.New(pgerror.InvalidTextRepresentation, "malformed array literal: \"%s\"", s).WithDetail(detail, args...)
}

// parseArrayText is array_in for one-dimensional arrays. Optional
// dimension decoration ([1:3]=) is accepted when its lower bound is 1.
func parseArrayText(t *T, s string, o *FormatOpts) (Datum, error) {
	i, n := 0, len(s)
	for i < n && isSpace(s[i]) {
		i++
	}
	if i < n && s[i] == '[' {
		j := strings.IndexByte(s[i:], '=')
		if j < 0 {
			return nil, errMalformedArray(s, "Missing \"=\" after array dimensions.")
		}
		dims := s[i : i+j]
		if !strings.HasPrefix(dims, "[1:") || strings.Count(dims, "[") != 1 || !strings.HasSuffix(strings.TrimRight(dims, " \t\n\r\v\f"), "]") {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "arrays with lower bounds other than 1 or more than one dimension are not supported")
		}
		i += j + 1
		for i < n && isSpace(s[i]) {
			i++
		}
	}
	if i >= n || s[i] != '{' {
		return nil, errMalformedArray(s, "Array value must start with \"{\" or dimension information.")
	}
	i++
	arr := &Array{Elem: t.Elem}
	var sb []byte
	expectElem := true // after '{' or ','
	first := true
	for {
		for i < n && isSpace(s[i]) {
			i++
		}
		if i >= n {
			return nil, errMalformedArray(s, "Unexpected end of input.")
		}
		c := s[i]
		if c == '}' {
			if expectElem && !first {
				return nil, errMalformedArray(s, "Unexpected \"%c\" character.", c)
			}
			i++
			break
		}
		if !expectElem {
			if c != ',' {
				return nil, errMalformedArray(s, "Expected \",\" or \"}\" character.")
			}
			i++
			expectElem = true
			continue
		}
		if c == '{' {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "multidimensional arrays are not supported")
		}
		if c == ',' {
			return nil, errMalformedArray(s, "Unexpected \"%c\" character.", c)
		}
		// One element, quoted or not.
		sb = sb[:0]
		quoted, escaped := false, false
		if c == '"' {
			quoted = true
			i++
			for {
				if i >= n {
					return nil, errMalformedArray(s, "Unexpected end of input.")
				}
				c := s[i]
				if c == '\\' {
					if i+1 >= n {
						return nil, errMalformedArray(s, "Unexpected end of input.")
					}
					sb = append(sb, s[i+1])
					i += 2
					continue
				}
				if c == '"' {
					i++
					break
				}
				sb = append(sb, c)
				i++
			}
		} else {
			// Unquoted: up to ',' or '}', trailing unescaped whitespace
			// dropped.
			keep := 0
			for i < n {
				c := s[i]
				if c == ',' || c == '}' {
					break
				}
				if c == '{' {
					return nil, errMalformedArray(s, "Unexpected \"%c\" character.", c)
				}
				if c == '"' {
					return nil, errMalformedArray(s, "Unexpected array element.")
				}
				if c == '\\' {
					if i+1 >= n {
						return nil, errMalformedArray(s, "Unexpected end of input.")
					}
					sb = append(sb, s[i+1])
					escaped = true
					keep = len(sb)
					i += 2
					continue
				}
				sb = append(sb, c)
				if !isSpace(c) {
					keep = len(sb)
				}
				i++
			}
			sb = sb[:keep]
		}
		first = false
		expectElem = false
		if !quoted && !escaped && len(sb) == 4 && strings.EqualFold(string(sb), "NULL") {
			arr.Elems = append(arr.Elems, nil)
			continue
		}
		d, err := ParseText(t.Elem, string(sb), o)
		if err != nil {
			return nil, err
		}
		arr.Elems = append(arr.Elems, d)
	}
	for i < n && isSpace(s[i]) {
		i++
	}
	if i != n {
		return nil, errMalformedArray(s, "Junk after closing right brace.")
	}
	return arr, nil
}

// appendArrayBinary is array_send: ndim, has-null flag, element OID, then
// (dim, lower bound) per dimension and each element as length + bytes.
func appendArrayBinary(buf []byte, t *T, a *Array) ([]byte, error) {
	if len(a.Elems) == 0 {
		buf = binary.BigEndian.AppendUint32(buf, 0)
		buf = binary.BigEndian.AppendUint32(buf, 0)
		return binary.BigEndian.AppendUint32(buf, t.Elem.OID), nil
	}
	hasNull := uint32(0)
	for _, e := range a.Elems {
		if e == nil {
			hasNull = 1
			break
		}
	}
	buf = binary.BigEndian.AppendUint32(buf, 1)
	buf = binary.BigEndian.AppendUint32(buf, hasNull)
	buf = binary.BigEndian.AppendUint32(buf, t.Elem.OID)
	buf = binary.BigEndian.AppendUint32(buf, uint32(len(a.Elems)))
	buf = binary.BigEndian.AppendUint32(buf, 1)
	for _, e := range a.Elems {
		if e == nil {
			buf = binary.BigEndian.AppendUint32(buf, 0xFFFFFFFF)
			continue
		}
		at := len(buf)
		buf = append(buf, 0, 0, 0, 0)
		var err error
		buf, err = AppendBinary(buf, t.Elem, e)
		if err != nil {
			return nil, err
		}
		binary.BigEndian.PutUint32(buf[at:], uint32(len(buf)-at-4))
	}
	return buf, nil
}

// parseArrayBinary is array_recv for arrays of at most one dimension.
func parseArrayBinary(t *T, b []byte) (Datum, error) {
	if len(b) < 12 {
		return nil, errInsufficient()
	}
	ndim := int32(binary.BigEndian.Uint32(b))
	flags := int32(binary.BigEndian.Uint32(b[4:]))
	elemOID := binary.BigEndian.Uint32(b[8:])
	b = b[12:]
	if ndim < 0 {
		return nil, pgerror.New(pgerror.InvalidBinaryRepresentation, "invalid number of dimensions: %d", ndim)
	}
	if ndim > 6 {
		return nil, pgerror.New(pgerror.ProgramLimitExceeded, "number of array dimensions (%d) exceeds the maximum allowed (%d)", ndim, 6)
	}
	if flags != 0 && flags != 1 {
		return nil, pgerror.New(pgerror.InvalidBinaryRepresentation, "invalid array flags")
	}
	if elemOID != t.Elem.OID {
		name := "???"
		if et := ByOID(elemOID); et != nil {
			name = et.SQLName
		}
		return nil, pgerror.New(pgerror.DatatypeMismatch, "binary data has array element type %d (%s) instead of expected %d (%s)",
			elemOID, name, t.Elem.OID, t.Elem.SQLName)
	}
	arr := &Array{Elem: t.Elem}
	if ndim == 0 {
		if len(b) != 0 {
			return nil, errTrailing()
		}
		return arr, nil
	}
	if ndim > 1 {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "multidimensional arrays are not supported")
	}
	if len(b) < 8 {
		return nil, errInsufficient()
	}
	dim := int32(binary.BigEndian.Uint32(b))
	lbound := int32(binary.BigEndian.Uint32(b[4:]))
	b = b[8:]
	if dim < 0 {
		return nil, pgerror.New(pgerror.InvalidBinaryRepresentation, "invalid array dimensions")
	}
	if lbound != 1 && dim > 0 {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "arrays with lower bounds other than 1 are not supported")
	}
	if int64(dim) > int64(len(b))/4 {
		return nil, pgerror.New(pgerror.InvalidBinaryRepresentation, "insufficient data left in message")
	}
	arr.Elems = make([]any, 0, dim)
	// array_recv reports short element data itself, as 22P03.
	short := func() error {
		return pgerror.New(pgerror.InvalidBinaryRepresentation, "insufficient data left in message")
	}
	for k := int32(0); k < dim; k++ {
		if len(b) < 4 {
			return nil, short()
		}
		l := int32(binary.BigEndian.Uint32(b))
		b = b[4:]
		if l == -1 {
			arr.Elems = append(arr.Elems, nil)
			continue
		}
		if l < -1 || int(l) > len(b) {
			return nil, short()
		}
		d, err := ParseBinary(t.Elem, b[:l])
		if err != nil {
			if pe := pgerror.From(err); pe != nil && pe.Message == "incorrect binary data format" {
				return nil, pgerror.New(pgerror.InvalidBinaryRepresentation, "improper binary format in array element %d", k+1)
			}
			return nil, err
		}
		arr.Elems = append(arr.Elems, d)
		b = b[l:]
	}
	if len(b) != 0 {
		return nil, errTrailing()
	}
	return arr, nil
}
