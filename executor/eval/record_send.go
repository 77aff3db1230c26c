package eval

import (
	"encoding/binary"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// AppendRecordBinary appends record_send's form of the record rec (its
// text form, see record.go) of record type t: the field count, then each
// field's type OID, length (-1 for NULL) and binary value. pgx reads
// record columns only in this form. Records whose shape the planner did not
// record, or with a field of a type without a binary form, are an error.
func AppendRecordBinary(buf []byte, t *types.T, rec string, o *types.FormatOpts) ([]byte, error) {
	_, fts, ok := planner.RecordFields(t)
	if !ok {
		return nil, pgerror.New(pgerror.UndefinedFunction, "no binary output function available for type record")
	}
	be := binary.BigEndian
	buf = be.AppendUint32(buf, uint32(len(fts)))
	for i, ft := range fts {
		v, err := recordField(ft, rec, i, o)
		if err != nil {
			return nil, err
		}
		buf = be.AppendUint32(buf, uint32(ft.OID))
		if v == nil {
			buf = be.AppendUint32(buf, 0xffffffff)
			continue
		}
		at := len(buf)
		buf = append(buf, 0, 0, 0, 0)
		if ft.OID == types.OidRecord {
			buf, err = AppendRecordBinary(buf, ft, v.(string), o)
		} else {
			buf, err = types.AppendBinary(buf, ft, v)
		}
		if err != nil {
			return nil, err
		}
		be.PutUint32(buf[at:], uint32(len(buf)-at-4))
	}
	return buf, nil
}
