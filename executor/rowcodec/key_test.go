package rowcodec

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// cmpNullsLast is types.Compare extended with NULL above every value.
func cmpNullsLast(t *types.T, a, b types.Datum) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return types.Compare(t, a, b)
}

func key(tb testing.TB, t *types.T, d types.Datum) []byte {
	tb.Helper()
	k, err := EncodeKey(nil, []*types.T{t}, []types.Datum{d})
	if err != nil {
		tb.Fatalf("%s %v: %v", t.SQLName, d, err)
	}
	return k
}

// randomDatums draws values of t; few distinct magnitudes so that ties
// and near-ties are common.
func randomDatums(r *rand.Rand, t *types.T, n int) []types.Datum {
	out := make([]types.Datum, n)
	str := func() string {
		pieces := []string{"", "a", "b", " ", "é", "€", "😀", "\x01", "\u00ff", "z"}
		var sb strings.Builder
		for k := r.IntN(4); k > 0; k-- {
			sb.WriteString(pieces[r.IntN(len(pieces))])
		}
		return sb.String()
	}
	for i := range out {
		if r.IntN(15) == 0 {
			continue // NULL
		}
		switch t.OID {
		case types.OidBool:
			out[i] = r.IntN(2) == 0
		case types.OidInt2:
			out[i] = int64(int16(r.Uint32()))
		case types.OidInt4:
			out[i] = int64(int32(r.Uint32())) >> r.IntN(32)
		case types.OidInt8:
			out[i] = int64(r.Uint64()) >> r.IntN(64)
		case types.OidOid:
			out[i] = int64(r.Uint32())
		case types.OidFloat8:
			out[i] = []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1),
				r.NormFloat64(), r.NormFloat64() * 1e300, r.NormFloat64() * 1e-300}[r.IntN(8)]
		case types.OidFloat4:
			out[i] = float64(float32(r.NormFloat64() * math.Pow(10, float64(r.IntN(60)-30))))
		case types.OidNumeric:
			d, _, err := apd.NewFromString(fmt.Sprintf("%de%d", r.Int64N(2001)-1000, r.IntN(40)-20))
			if err != nil {
				panic(err)
			}
			out[i] = d
		case types.OidText, types.OidVarchar:
			out[i] = str()
		case types.OidBpchar:
			out[i] = str() + strings.Repeat(" ", r.IntN(3))
		case types.OidBytea:
			b := make([]byte, r.IntN(4))
			for j := range b {
				b[j] = []byte{0, 1, 0x7F, 0xFF}[r.IntN(4)]
			}
			out[i] = b
		case types.OidDate:
			out[i] = types.DateVal(r.Int32N(200000) - 100000)
		case types.OidTimestampTZ:
			out[i] = types.TimestampTZVal(int64(r.Uint64()) >> r.IntN(64))
		case types.OidInterval:
			out[i] = types.IntervalVal{Months: r.Int32N(5) - 2, Days: r.Int32N(121) - 60,
				Micros: (r.Int64N(5) - 2) * 86_400_000_000 / int64(1+r.IntN(2))}
		case types.OidUUID:
			var u types.UUIDVal
			u[r.IntN(16)] = byte(r.IntN(3))
			out[i] = u
		default:
			if t.Elem == nil {
				panic("no generator for " + t.SQLName)
			}
			a := &types.Array{Elem: t.Elem, Elems: randomDatums(r, t.Elem, r.IntN(4))}
			out[i] = a
		}
	}
	return out
}

// TestKeyOrderMatchesCompare checks, for every pair of values of each type
// (testdata literals plus random values), that the keys compare as
// types.Compare does with NULLS LAST.
func TestKeyOrderMatchesCompare(t *testing.T) {
	order, byType := loadValues(t)
	r := rand.New(rand.NewPCG(3, 4))
	randomTypes := []*types.T{types.Bool, types.Int2, types.Int4, types.Int8, types.Oid, types.Float4,
		types.Float8, types.Numeric, types.Text, types.Varchar, types.Bpchar, types.Bytea, types.Date,
		types.TimestampTZ, types.Interval, types.UUID, types.Int4Array, types.TextArray, types.BpcharArray,
		types.IntervalArray, types.Float8Array}
	vals := map[*types.T][]types.Datum{}
	for _, tp := range order {
		for _, v := range byType[tp] {
			vals[tp] = append(vals[tp], v.d)
		}
	}
	for _, tp := range randomTypes {
		if _, ok := vals[tp]; !ok {
			order = append(order, tp)
		}
		vals[tp] = append(vals[tp], randomDatums(r, tp, 150)...)
	}
	for _, tp := range order {
		if tp.OID == types.OidJSON || (tp.Elem != nil && tp.Elem.OID == types.OidJSON) {
			continue // no ordering: see TestKeyErrors
		}
		if tp.OID == types.OidJSONB || (tp.Elem != nil && tp.Elem.OID == types.OidJSONB) {
			// types.Compare orders object keys by length first, PostgreSQL
			// as strings ({"b":1} > {"aa":1}); the keys follow PostgreSQL,
			// which TestKeyOrderMatchesPostgres checks.
			continue
		}
		ds := append(vals[tp], nil)
		keys := make([][]byte, len(ds))
		for i, d := range ds {
			keys[i] = key(t, tp, d)
		}
		fails := 0
		for i := range ds {
			for j := range ds {
				want := cmpNullsLast(tp, ds[i], ds[j])
				if got := bytes.Compare(keys[i], keys[j]); got != want && fails < 5 {
					fails++
					t.Errorf("%s: %v vs %v: keys compare %d, types.Compare %d (%x vs %x)", tp.SQLName,
						ds[i], ds[j], got, want, keys[i], keys[j])
				}
			}
		}
	}
}

// TestKeyMultiColumn sorts random three-column rows by key and checks the
// order column by column, and that a key of the leading columns is a
// prefix of the full key.
func TestKeyMultiColumn(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	cols := []*types.T{types.Text, types.Int4, types.Numeric}
	n := 400
	colVals := make([][]types.Datum, len(cols))
	for c, tp := range cols {
		colVals[c] = randomDatums(r, tp, n)
	}
	type row struct {
		vals []types.Datum
		key  []byte
	}
	rows := make([]row, n)
	for i := range rows {
		vals := []types.Datum{colVals[0][i], colVals[1][i%37], colVals[2][i]}
		k, err := EncodeKey(nil, cols, vals)
		if err != nil {
			t.Fatal(err)
		}
		prefix, err := EncodeKey(nil, cols, vals[:2])
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(k, prefix) {
			t.Fatalf("%v: key %x does not start with prefix key %x", vals, k, prefix)
		}
		rows[i] = row{vals, k}
	}
	slices.SortFunc(rows, func(a, b row) int { return bytes.Compare(a.key, b.key) })
	for i := 1; i < n; i++ {
		want := 0
		for c, tp := range cols {
			if want = cmpNullsLast(tp, rows[i-1].vals[c], rows[i].vals[c]); want != 0 {
				break
			}
		}
		if got := bytes.Compare(rows[i-1].key, rows[i].key); got != want {
			t.Fatalf("%v then %v: keys compare %d, values %d", rows[i-1].vals, rows[i].vals, got, want)
		}
	}
}

func TestKeyErrors(t *testing.T) {
	j, err := types.ParseText(types.JSON, "{}", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := EncodeKey(nil, []*types.T{types.JSON}, []types.Datum{j}); pgerror.Code(err) != pgerror.UndefinedObject {
		t.Errorf("json key: got %v, want undefined_object", err)
	}
	for _, tt := range []struct {
		t *types.T
		d types.Datum
	}{
		{types.Int4, "1"},
		{types.Numeric, (*apd.Decimal)(nil)},
		{types.Interval, int64(1)},
		{types.Int4Array, []int64{1}},
		{types.JSONB, "{}"},
		{types.Record, "x"},
	} {
		if _, err := EncodeKey(nil, []*types.T{tt.t}, []types.Datum{tt.d}); err == nil {
			t.Errorf("%s %#v: no error", tt.t.SQLName, tt.d)
		}
	}
	if _, err := EncodeKey(nil, []*types.T{types.Int4}, []types.Datum{int64(1), int64(2)}); err == nil {
		t.Error("more datums than key columns: no error")
	}
}
