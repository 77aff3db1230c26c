package rowcodec

import (
	"unsafe"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Boxing without an allocation per value.
//
// Putting an int64, a float64 or a string into an interface (types.Datum)
// makes Go copy the value to a fresh heap object of its own, unless it is
// one of a few small constants. A TPC-H lineitem row has a dozen such
// values, so a scan spent most of its time in the allocator. The decoder
// instead writes a row's values into one slab per kind ([]uint64 for the
// 8-byte scalars, []string for string headers) and makes each interface
// point into its slab: the same two words Go itself would build, with the
// data word pointing at memory that is never written again. The garbage
// collector keeps a slab alive while any datum points into it, which is
// exactly one row's values here.

// eface is the layout of an empty interface (runtime.eface): type word,
// then a pointer to the value for every type that is not pointer-shaped.
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

// typeWord returns the type word of v's dynamic type.
func typeWord(v any) unsafe.Pointer { return (*eface)(unsafe.Pointer(&v)).typ }

// Type words of the datum types the decoder boxes itself.
var (
	twInt64     = typeWord(int64(0))
	twFloat64   = typeWord(float64(0))
	twDate      = typeWord(types.DateVal(0))
	twTime      = typeWord(types.TimeOfDay(0))
	twTimestamp = typeWord(types.TimestampVal(0))
	twTSTZ      = typeWord(types.TimestampTZVal(0))
	twString    = typeWord("")
	twJSON      = typeWord(types.JSONVal(""))
)

// box makes the interface value of type word typ whose value is at p. p
// must point to memory of that type's layout that is never modified
// afterwards (interface values are immutable).
func box(typ, p unsafe.Pointer) types.Datum {
	var d types.Datum
	e := (*eface)(unsafe.Pointer(&d))
	e.typ, e.data = typ, p
	return d
}
