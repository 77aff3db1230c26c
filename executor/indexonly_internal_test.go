package executor

import (
	"reflect"
	"testing"

	"github.com/neuroquantumdb/nqdb/codec"
	"github.com/neuroquantumdb/nqdb/executor/rowcodec"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// keyDecodableTypes are the types planner.KeyDecodable accepts, with a
// way to make a datum of each from fuzz input.
var keyDecodableTypes = []struct {
	t    *types.T
	make func(i int64, s string) types.Datum
}{
	{types.Bool, func(i int64, _ string) types.Datum { return i%2 == 0 }},
	{types.Int2, func(i int64, _ string) types.Datum { return int64(int16(i)) }},
	{types.Int4, func(i int64, _ string) types.Datum { return int64(int32(i)) }},
	{types.Int8, func(i int64, _ string) types.Datum { return i }},
	{types.Oid, func(i int64, _ string) types.Datum { return int64(uint32(i)) }},
	{types.Text, func(_ int64, s string) types.Datum { return s }},
	{types.Varchar, func(_ int64, s string) types.Datum { return s }},
	{types.Name, func(_ int64, s string) types.Datum { return s }},
	{types.Bytea, func(_ int64, s string) types.Datum { return []byte(s) }},
	{types.UUID, func(i int64, s string) types.Datum {
		var u types.UUIDVal
		copy(u[:], s)
		u[15] = byte(i)
		return u
	}},
	{types.Date, func(i int64, _ string) types.Datum { return types.DateVal(int32(i)) }},
	{types.Time, func(i int64, _ string) types.Datum { return types.TimeOfDay(i) }},
	{types.Timestamp, func(i int64, _ string) types.Datum { return types.TimestampVal(i) }},
	{types.TimestampTZ, func(i int64, _ string) types.Datum { return types.TimestampTZVal(i) }},
}

// checkKeyRoundTrip encodes d as a key of type t followed by a second
// value (as index entries carry the row key after the columns) and
// checks that decoding it gives d back.
func checkKeyRoundTrip(t *testing.T, typ *types.T, d types.Datum) {
	t.Helper()
	if !planner.KeyDecodable(typ) {
		t.Fatalf("%s: planner.KeyDecodable says no", typ.SQLName)
	}
	key, err := rowcodec.EncodeKey(nil, []*types.T{typ, types.Int8}, []types.Datum{d, int64(42)})
	if err != nil {
		t.Fatalf("%s %v: %v", typ.SQLName, d, err)
	}
	k, v, rest, err := codec.DecodeNext(key)
	if err != nil {
		t.Fatalf("%s %v: %v", typ.SQLName, d, err)
	}
	got, err := keyDatum(typ, k, v)
	if err != nil {
		t.Fatalf("%s %v: %v", typ.SQLName, d, err)
	}
	if !reflect.DeepEqual(got, d) {
		t.Fatalf("%s: decoded %#v, encoded %#v", typ.SQLName, got, d)
	}
	if _, v2, _, err := codec.DecodeNext(rest); err != nil || v2 != int64(42) {
		t.Fatalf("%s %v: the value after it decodes as %v, %v", typ.SQLName, d, v2, err)
	}
}

func TestKeyDatumRoundTrip(t *testing.T) {
	for _, c := range keyDecodableTypes {
		for _, in := range []struct {
			i int64
			s string
		}{{0, ""}, {1, "a"}, {-1, "a\x00b"}, {1 << 40, "\xff\x00\x01"}, {-1 << 63, "0123456789abcdef"}} {
			checkKeyRoundTrip(t, c.t, c.make(in.i, in.s))
		}
		checkKeyRoundTrip(t, c.t, nil)
	}
	// Types whose key loses something are not decoded.
	for _, typ := range []*types.T{types.Numeric, types.Float8, types.Float4, types.Bpchar, types.Interval, types.JSONB} {
		if planner.KeyDecodable(typ) {
			t.Errorf("%s: KeyDecodable, but its key does not give the value back", typ.SQLName)
		}
	}
}

// FuzzKeyDatum: every value of a decodable key type decodes back from
// its key to itself.
func FuzzKeyDatum(f *testing.F) {
	f.Add(uint8(0), int64(0), "")
	f.Add(uint8(5), int64(-7), "a\x00b")
	f.Add(uint8(9), int64(1<<40), "\xff\xff")
	f.Add(uint8(13), int64(-1<<63), "x")
	f.Fuzz(func(t *testing.T, which uint8, i int64, s string) {
		c := keyDecodableTypes[int(which)%len(keyDecodableTypes)]
		checkKeyRoundTrip(t, c.t, c.make(i, s))
	})
}
