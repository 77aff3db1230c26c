package types

import (
	"bytes"
	"math"
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// Compare orders two non-NULL datums of type t as PostgreSQL's default
// btree operator class does, returning -1, 0 or 1. NaN sorts above every
// other float or numeric and equals itself. Strings compare bytewise (the
// C collation); bpchar ignores trailing spaces. Arrays compare element by
// element with NULLs above all values, then by length.
func Compare(t *T, a, b Datum) int {
	switch t.OID {
	case OidBool:
		return cmpBool(a.(bool), b.(bool))
	case OidInt2, OidInt4, OidInt8, OidOid, OidRegclass, OidRegtype, OidRegproc, OidRegprocedure, OidRegoper, OidRegoperator, OidRegnamespace, OidXid, OidCid:
		return cmpInt(a.(int64), b.(int64))
	case OidOidVector, OidTid:
		return compareCatalog(t, a, b) // vector.go
	case OidAclitem, OidPgNodeTree:
		return cmpStrings(a.(string), b.(string))
	case OidFloat4, OidFloat8:
		return compareFloat(a.(float64), b.(float64))
	case OidNumeric:
		return compareNumeric(a.(*apd.Decimal), b.(*apd.Decimal))
	case OidBpchar:
		return cmpStrings(strings.TrimRight(a.(string), " "), strings.TrimRight(b.(string), " "))
	case OidText, OidVarchar, OidName, OidChar, OidUnknown:
		return cmpStrings(a.(string), b.(string))
	case OidJSONB:
		return compareJSONB(a.(JSONVal), b.(JSONVal))
	case OidJSON:
		// json has no ordering in PostgreSQL; text order keeps sorts stable.
		return cmpStrings(string(a.(JSONVal)), string(b.(JSONVal)))
	case OidBytea:
		return bytes.Compare(a.([]byte), b.([]byte))
	case OidUUID:
		x, y := a.(UUIDVal), b.(UUIDVal)
		return bytes.Compare(x[:], y[:])
	case OidDate:
		return cmpInt(int64(a.(DateVal)), int64(b.(DateVal)))
	case OidTime:
		return cmpInt(int64(a.(TimeOfDay)), int64(b.(TimeOfDay)))
	case OidTimestamp:
		return cmpInt(int64(a.(TimestampVal)), int64(b.(TimestampVal)))
	case OidTimestampTZ:
		return cmpInt(int64(a.(TimestampTZVal)), int64(b.(TimestampTZVal)))
	case OidInterval:
		return compareInterval(a.(IntervalVal), b.(IntervalVal))
	}
	if t.Enum != nil {
		// Enums order by pg_enum.enumsortorder, not by label.
		x, _ := t.Enum.SortOrder(a.(string))
		y, _ := t.Enum.SortOrder(b.(string))
		return compareFloat(float64(x), float64(y))
	}
	if t.Domain != nil {
		return Compare(BaseType(t), a, b)
	}
	if t.Elem != nil {
		x, y := a.(*Array), b.(*Array)
		for i := 0; i < len(x.Elems) && i < len(y.Elems); i++ {
			ex, ey := x.Elems[i], y.Elems[i]
			switch {
			case ex == nil && ey == nil:
				continue
			case ex == nil:
				return 1
			case ey == nil:
				return -1
			}
			if c := Compare(t.Elem, ex, ey); c != 0 {
				return c
			}
		}
		if c := cmpInt(int64(len(x.Elems)), int64(len(y.Elems))); c != 0 {
			return c
		}
		// array_cmp: equal contents and lengths still differ by lower bound.
		return cmpInt(int64(x.LowerOff), int64(y.LowerOff))
	}
	switch x := a.(type) {
	case string:
		return cmpStrings(x, b.(string))
	case int64:
		return cmpInt(x, b.(int64))
	}
	return 0
}

func compareFloat(a, b float64) int {
	an, bn := math.IsNaN(a), math.IsNaN(b)
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func compareNumeric(a, b *apd.Decimal) int {
	an := a.Form == apd.NaN || a.Form == apd.NaNSignaling
	bn := b.Form == apd.NaN || b.Form == apd.NaNSignaling
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	}
	return a.Cmp(b)
}

// compareInterval compares the span each interval denotes with months of
// 30 days and days of 24 hours (interval_cmp_value), in 128-bit arithmetic.
func compareInterval(a, b IntervalVal) int {
	ah, al := intervalSpan(a)
	bh, bl := intervalSpan(b)
	switch {
	case ah < bh:
		return -1
	case ah > bh:
		return 1
	case al < bl:
		return -1
	case al > bl:
		return 1
	}
	return 0
}

// intervalSpan returns the interval's length in microseconds as a signed
// 128-bit value (high word signed, low word unsigned).
func intervalSpan(iv IntervalVal) (int64, uint64) {
	days := int64(iv.Months)*30 + int64(iv.Days)
	// days * usecsPerDay can exceed 64 bits; split the product.
	hi, lo := mul64x64(days, usecsPerDay)
	return add128(hi, lo, iv.Micros)
}

func mul64x64(a, b int64) (int64, uint64) {
	neg := (a < 0) != (b < 0)
	ua, ub := uint64(abs64(a)), uint64(abs64(b))
	hi, lo := mulU(ua, ub)
	if neg {
		lo = ^lo + 1
		hi = ^hi
		if lo == 0 {
			hi++
		}
	}
	return int64(hi), lo
}

func mulU(a, b uint64) (uint64, uint64) {
	const mask32 = 1<<32 - 1
	a0, a1 := a&mask32, a>>32
	b0, b1 := b&mask32, b>>32
	w0 := a0 * b0
	t := a1*b0 + w0>>32
	w1 := t & mask32
	w2 := t >> 32
	w1 += a0 * b1
	hi := a1*b1 + w2 + w1>>32
	return hi, a * b
}

func add128(hi int64, lo uint64, v int64) (int64, uint64) {
	vhi := int64(0)
	if v < 0 {
		vhi = -1
	}
	nlo := lo + uint64(v)
	carry := int64(0)
	if nlo < lo {
		carry = 1
	}
	return hi + vhi + carry, nlo
}
