package eval

import (
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// SequenceEnv is implemented by an Env with sequences (the executor's
// Session): nextval, currval, lastval and setval. seq is the sequence's
// name (text) or OID (regclass, int64).
type SequenceEnv interface {
	NextVal(seq types.Datum) (int64, error)
	CurrVal(seq types.Datum) (int64, error)
	LastVal() (int64, error)
	SetVal(seq types.Datum, v int64, isCalled bool) (int64, error)
}

func seqEnv(c *evalCtx) (SequenceEnv, error) {
	if se, ok := c.env.(SequenceEnv); ok {
		return se, nil
	}
	return nil, pgerror.New(pgerror.FeatureNotSupported, "sequences are not available here")
}

func init() {
	impls[planner.FnNextval] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		se, err := seqEnv(c)
		if err != nil {
			return nil, err
		}
		return se.NextVal(a[0])
	}
	impls[planner.FnCurrval] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		se, err := seqEnv(c)
		if err != nil {
			return nil, err
		}
		return se.CurrVal(a[0])
	}
	impls[planner.FnLastval] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		se, err := seqEnv(c)
		if err != nil {
			return nil, err
		}
		return se.LastVal()
	}
	impls[planner.FnSetval] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		se, err := seqEnv(c)
		if err != nil {
			return nil, err
		}
		called := true
		if len(a) > 2 {
			called = a[2].(bool)
		}
		return se.SetVal(a[0], a[1].(int64), called)
	}
}
