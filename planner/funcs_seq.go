package planner

import (
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Sequence functions (implementations: executor/eval/builtins_seq.go,
// through the session: eval.SequenceEnv). PostgreSQL declares the
// sequence argument regclass; nqdb also takes the name as text (a
// literal 'seq' resolves to that overload, text being the preferred
// string type), so a name that is not resolved at binding still works.
func init() {
	T, I8, B := types.Text, types.Int8, types.Bool
	for _, seq := range []*types.T{T, types.Regclass} {
		addFn("nextval", FnNextval, I8, seq).Volatility = Volatile
		addFn("currval", FnCurrval, I8, seq).Volatility = Volatile
		addFn("setval", FnSetval, I8, seq, I8).Volatility = Volatile
		addFn("setval", FnSetval, I8, seq, I8, B).Volatility = Volatile
	}
	addFn("lastval", FnLastval, I8).Volatility = Volatile
}

// checkSequenceArg resolves a sequence named by a literal when the call is
// bound, as PostgreSQL's regclass input does ('s'::regclass is resolved
// by the parser), so a missing one is reported at the literal.
func (b *binder) checkSequenceArg(x *ast.FuncCallExpr) error {
	if len(x.Args) == 0 || b.cat == nil {
		return nil
	}
	if _, literal := x.Args[0].(ast.ValueExpr); !literal {
		return nil // a parameter or expression: resolved when the call runs
	}
	e, err := b.bindExpr(x.Args[0])
	if err != nil {
		return err
	}
	c, ok := e.(*Const)
	if !ok || c.T.OID != types.OidUnknown && c.T.OID != types.OidText {
		return nil
	}
	name, ok := c.Val.(string)
	if !ok || strings.ContainsRune(name, '"') {
		return nil // quoted names are resolved when the call runs
	}
	name = strings.ToLower(strings.TrimSpace(name))
	schema := ""
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		schema, name = name[:i], name[i+1:]
	}
	if _, err := b.cat.LookupTable(schema, name); err != nil {
		if pe, ok := err.(*pgerror.Error); ok && pe.Position == 0 {
			cp := *pe
			cp.Position = pos(x.Args[0])
			return &cp
		}
		return err
	}
	return nil
}
