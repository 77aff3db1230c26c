package types

import (
	"encoding/binary"
	"math"
	"strings"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// appendArrayText is array_out for one dimension: {a,b,NULL,"c d"}.
// Elements are quoted when empty, equal to NULL in any case, or containing
// a quote, backslash, brace, comma or whitespace.
func appendArrayText(buf []byte, t *T, a *Array, o *FormatOpts) []byte {
	if a.LowerOff != 0 && len(a.Elems) > 0 {
		// array_out shows bounds other than 1: [0:1]={2,3}.
		buf = append(buf, '[')
		buf = appendInt(buf, a.Lower())
		buf = append(buf, ':')
		buf = appendInt(buf, a.Upper())
		buf = append(buf, "]="...)
	}
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
// dimension decoration ([lo:hi]= or [hi]=) sets the lower bound and must
// match the element count.
func parseArrayText(t *T, s string, o *FormatOpts) (Datum, error) {
	i, n := 0, len(s)
	for i < n && isSpace(s[i]) {
		i++
	}
	lower, upper, hasDims := int64(1), int64(0), false
	if i < n && s[i] == '[' {
		ndim := 0
		var err error
		for i < n && s[i] == '[' {
			if i, lower, upper, err = parseArrayDim(s, i+1); err != nil {
				return nil, err
			}
			ndim++
			for i < n && isSpace(s[i]) {
				i++
			}
		}
		if i >= n || s[i] != '=' {
			return nil, errMalformedArray(s, "Missing \"=\" after array dimensions.")
		}
		if ndim > 1 {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "multidimensional arrays are not supported")
		}
		if upper+1 > math.MaxInt32 {
			// ArrayCheckBounds: lower bound + length must fit in int4.
			return nil, pgerror.New(pgerror.ProgramLimitExceeded, "array lower bound is too large: %d", lower)
		}
		hasDims = true
		i++
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
	if hasDims {
		if upper-lower+1 != int64(len(arr.Elems)) {
			return nil, errMalformedArray(s, "Specified array dimensions do not match array contents.")
		}
		arr.LowerOff = lower - 1
	}
	return arr, nil
}

// parseArrayDim reads one dimension's decoration after its '[' at i, as
// PostgreSQL 15's array_in does: "lo:hi]" or "hi]" (lower bound 1), each
// number whatever atoi makes of a run of digits and signs. It returns the
// index after the ']'.
func parseArrayDim(s string, i int) (next int, lower, upper int64, err error) {
	n := len(s)
	run := func(p int) int {
		for p < n && (s[p] >= '0' && s[p] <= '9' || s[p] == '-' || s[p] == '+') {
			p++
		}
		return p
	}
	q := run(i)
	if q == i {
		return 0, 0, 0, errMalformedArray(s, "\"[\" must introduce explicitly-specified array dimensions.")
	}
	lower = 1
	if q < n && s[q] == ':' {
		lower = atoi(s[i:q])
		i = q + 1
		q = run(i)
		if q == i {
			return 0, 0, 0, errMalformedArray(s, "Missing array dimension value.")
		}
	}
	if q >= n || s[q] != ']' {
		return 0, 0, 0, errMalformedArray(s, "Missing \"]\" after array dimensions.")
	}
	upper = atoi(s[i:q])
	if upper < lower {
		return 0, 0, 0, pgerror.New(pgerror.ArraySubscriptError, "upper bound cannot be less than lower bound")
	}
	return q + 1, lower, upper, nil
}

// atoi is C atoi on a 64-bit platform: strtol's prefix (LONG_MAX or
// LONG_MIN on overflow), truncated to int.
func atoi(s string) int64 {
	v, _, ok, rng := strtolPrefix(s, 0)
	if !ok {
		return 0
	}
	if rng {
		if len(s) > 0 && s[0] == '-' {
			v = math.MinInt64
		} else {
			v = math.MaxInt64
		}
	}
	return int64(int32(v))
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
	buf = binary.BigEndian.AppendUint32(buf, uint32(int32(a.Lower())))
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
	if dim > 0 {
		if int64(lbound)+int64(dim) > math.MaxInt32+1 {
			return nil, pgerror.New(pgerror.ProgramLimitExceeded, "array lower bound is too large: %d", lbound)
		}
		arr.LowerOff = int64(lbound) - 1
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
