package rowcodec

import (
	"bytes"
	"encoding/json"
	"slices"

	"github.com/cockroachdb/apd/v3"
	"github.com/neuroquantumdb/nqdb/codec"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Kind numbers of jsonb values in keys, in PostgreSQL's jsonb order:
// null < string < number < boolean < array < object.
const (
	jkNull = iota
	jkString
	jkNumber
	jkBool
	jkArray
	jkObject
)

// appendJSONBKey appends a jsonb value's key. Containers are written as
// their size followed by their members because jsonb orders containers by
// size before contents; object members are visited in jsonb's storage
// order (keys by length, then bytes) and each key compares as a string
// (bytewise: nqdb's collation is C). A leading 0 marks the top-level empty array, which
// jsonb sorts below everything; any other value has a leading 1.
//
// jsonb keys are rare and decoding the text costs allocations; the hot
// types never come here.
func appendJSONBKey(buf []byte, t *types.T, d types.Datum) ([]byte, error) {
	s, ok := d.(types.JSONVal)
	if !ok {
		return buf, errDatum(t, d)
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return buf, pgerror.New(pgerror.InternalError, "rowcodec: jsonb value is not valid JSON: %v", err)
	}
	if a, ok := v.([]any); ok && len(a) == 0 {
		return codec.AppendInt(buf, 0), nil
	}
	return appendJSONValue(codec.AppendInt(buf, 1), v)
}

func appendJSONValue(buf []byte, v any) ([]byte, error) {
	var err error
	switch x := v.(type) {
	case nil:
		return codec.AppendInt(buf, jkNull), nil
	case string:
		return codec.AppendString(codec.AppendInt(buf, jkString), x), nil
	case json.Number:
		d, _, perr := apd.NewFromString(string(x))
		if perr != nil {
			return buf, pgerror.New(pgerror.InternalError, "rowcodec: jsonb number %q: %v", x, perr)
		}
		return codec.AppendDecimal(codec.AppendInt(buf, jkNumber), d), nil
	case bool:
		buf = codec.AppendInt(buf, jkBool)
		if x {
			return codec.AppendInt(buf, 1), nil
		}
		return codec.AppendInt(buf, 0), nil
	case []any:
		buf = codec.AppendInt(codec.AppendInt(buf, jkArray), int64(len(x)))
		for _, e := range x {
			if buf, err = appendJSONValue(buf, e); err != nil {
				return buf, err
			}
		}
		return buf, nil
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b string) int {
			if len(a) != len(b) {
				return len(a) - len(b)
			}
			return bytes.Compare([]byte(a), []byte(b))
		})
		buf = codec.AppendInt(codec.AppendInt(buf, jkObject), int64(len(x)))
		for _, k := range keys {
			// Keys are visited in storage order (length, then bytes) but
			// compared as strings, as compareJsonbContainers does.
			buf = codec.AppendString(buf, k)
			if buf, err = appendJSONValue(buf, x[k]); err != nil {
				return buf, err
			}
		}
		return buf, nil
	}
	return buf, pgerror.New(pgerror.InternalError, "rowcodec: unexpected JSON value %T", v)
}
