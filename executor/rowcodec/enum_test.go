package rowcodec

import (
	"bytes"
	"testing"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Enum keys order by the labels' sort order, not by their text, and
// survive a label added between two others; rows keep the label.
func TestEnumKeysAndRows(t *testing.T) {
	e := types.NewEnum(70000, 70001, "mood", []types.EnumLabel{{OID: 1, Sort: 1, Label: "zzz"}, {OID: 2, Sort: 2, Label: "aaa"}})
	key := func(label string) []byte {
		k, err := EncodeKey(nil, []*types.T{e}, []types.Datum{label})
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	z, a := key("zzz"), key("aaa")
	if bytes.Compare(z, a) >= 0 {
		t.Errorf("key(zzz) should sort before key(aaa)")
	}
	e.Enum.SetLabels(append(append([]types.EnumLabel(nil), e.Enum.Labels()...), types.EnumLabel{OID: 3, Sort: 1.5, Label: "mid"}))
	if m := key("mid"); bytes.Compare(z, m) >= 0 || bytes.Compare(m, a) >= 0 {
		t.Errorf("key(mid) should sort between the others")
	}
	if !bytes.Equal(z, key("zzz")) {
		t.Errorf("an added label changed an existing key")
	}
	d := types.NewDomain(70002, 70003, "d", types.Int4, -1)
	cols := []*types.T{e, e.Array, d}
	row := []types.Datum{"mid", &types.Array{Elem: e, Elems: []any{"aaa", nil}}, int64(5)}
	b, err := EncodeRow(nil, cols, row)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeRow(cols, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != "mid" || got[2] != int64(5) || got[1].(*types.Array).Elems[0] != "aaa" {
		t.Errorf("round trip = %v", got)
	}
}
