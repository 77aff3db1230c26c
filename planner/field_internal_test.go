package planner

import (
	"testing"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// TestRecordTypeInterning: equal shapes share one type (so a record
// column's shape survives derived tables), different shapes do not, and
// every record type keeps PostgreSQL's record OID.
func TestRecordTypeInterning(t *testing.T) {
	a := RecordType([]string{"x", "n"}, []*types.T{types.Int2, types.Int4})
	b := RecordType([]string{"x", "n"}, []*types.T{types.Int2, types.Int4})
	c := RecordType([]string{"x", "n"}, []*types.T{types.Text, types.Int4})
	d := RecordType([]string{"x", "m"}, []*types.T{types.Int2, types.Int4})
	if a != b {
		t.Error("equal shapes gave different types")
	}
	if a == c || a == d {
		t.Error("different shapes share a type")
	}
	for _, r := range []*types.T{a, c, d} {
		if r.OID != types.OidRecord || r.Name != "record" {
			t.Errorf("record type %v: OID %d name %s", r, r.OID, r.Name)
		}
	}
	names, ts, ok := RecordFields(c)
	if !ok || len(names) != 2 || names[1] != "n" || ts[0] != types.Text {
		t.Errorf("RecordFields(c) = %v %v %v", names, ts, ok)
	}
	if _, _, ok := RecordFields(types.Record); ok {
		t.Error("the anonymous record type has a shape")
	}
	if _, _, ok := RecordFields(types.Int4); ok {
		t.Error("int4 has a record shape")
	}
}
