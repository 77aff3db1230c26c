package planner

import (
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Catalog-defined types in the binder. Enums need nothing beyond name
// resolution and their comparison operators (enumCompare). A domain is
// bound as its base type; where a value becomes a domain value (a cast to
// the domain, a write into a column declared with it) the binder wraps it
// in a call of FnDomainCheck, which passes the value through after
// checking the domain's NOT NULL and CHECK constraints. The CHECK
// expressions are bound with VALUE as an ArrayElem, the slot the executor
// fills with the value being checked.

// TypeCatalog is a Catalog that knows enums and domains.
type TypeCatalog interface {
	// LookupType returns the enum or domain schema.name (schema "" = the
	// search path), nil when there is none.
	LookupType(schema, name string) *types.T
	// DomainConstraints returns a domain's constraints as of now.
	DomainConstraints(t *types.T) DomainInfo
}

// DomainInfo is what a write into a domain checks.
type DomainInfo struct {
	Name    string
	NotNull bool
	// Default is the domain's DEFAULT expression text, "" when none.
	Default string
	Checks  []DomainCheckDef
}

// DomainCheckDef is one CHECK constraint of a domain: its name and the
// expression's text.
type DomainCheckDef struct {
	Name, Expr string
}

// DomainCheck is the executor's view of a domain's constraints, carried
// by the FnDomainCheck Func of a domain check call.
type DomainCheck struct {
	// Type is the domain.
	Type *types.T
	// Domain names the domain in errors.
	Domain  string
	NotNull bool
	Checks  []BoundDomainCheck
}

// BoundDomainCheck is a CHECK constraint bound over ArrayElem (VALUE).
type BoundDomainCheck struct {
	Name string
	Expr Expr
}

// parseTypeName resolves a type name as written in a cast, with the
// catalog's enums and domains.
func (b *binder) parseTypeName(s string) (*types.T, int32, error) {
	tc, ok := b.cat.(TypeCatalog)
	if !ok {
		return types.ParseTypeName(s)
	}
	return types.ParseTypeNameWith(s, tc.LookupType)
}

// castToDomain binds a cast of e to the domain dom: a cast to the base
// type (with the domain's typmod), then the domain's checks.
func (b *binder) castToDomain(e Expr, dom *types.T, n ast.Node) (Expr, error) {
	base := types.BaseType(dom)
	typmod := int32(-1)
	for t := dom; t != nil && t.Domain != nil; t = t.Domain.Base {
		if t.Domain.Typmod >= 0 {
			typmod = t.Domain.Typmod
			break
		}
	}
	e, err := b.coerce(e, base, typmod, true, n)
	if err != nil {
		return nil, err
	}
	return b.domainCheck(e, dom)
}

// domainCheck wraps e, a value of dom's base type, in dom's checks (and
// those of the domains dom is over).
func (b *binder) domainCheck(e Expr, dom *types.T) (Expr, error) {
	tc, ok := b.cat.(TypeCatalog)
	if !ok {
		return e, nil
	}
	// The innermost domain checks first, as PostgreSQL's nested
	// CoerceToDomain nodes do.
	var chain []*types.T
	for t := dom; t != nil && t.Domain != nil; t = t.Domain.Base {
		chain = append(chain, t)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		info := tc.DomainConstraints(chain[i])
		if !info.NotNull && len(info.Checks) == 0 && i > 0 {
			continue // the outermost stays, to carry the domain's type
		}
		dc := &DomainCheck{Type: chain[i], Domain: info.Name, NotNull: info.NotNull}
		for _, c := range info.Checks {
			x, err := bindDomainExpr(b.cat, chain[i], c.Expr, &ArrayElem{T: e.Type()}, b.fo)
			if err != nil {
				return nil, err
			}
			dc.Checks = append(dc.Checks, BoundDomainCheck{Name: c.Name, Expr: x})
		}
		f := &Func{ID: FnDomainCheck, Name: "domain_check", Args: []*types.T{AnyType}, Volatility: Volatile, Domain: dc}
		e = &Call{Fn: f, Args: []Expr{e}, T: e.Type()}
	}
	return e, nil
}

// bindDomainExpr binds a domain CHECK expression with value standing for
// VALUE; the result is boolean.
func bindDomainExpr(cat Catalog, dom *types.T, text string, value Expr, fo *types.FormatOpts) (Expr, error) {
	n, st, err := parseDefault(text)
	if err != nil {
		return nil, err
	}
	sub := &binder{cat: cat, sql: st.Rewritten, fo: fo, scope: &scope{}, clause: "check constraint", domainValue: value}
	e, err := sub.bindExpr(n)
	if err != nil {
		return nil, stripPosition(err)
	}
	if len(sub.aggs) > 0 {
		return nil, pgerror.New(pgerror.GroupingError, "aggregate functions are not allowed in check constraints")
	}
	if hasSubPlan(e) {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "cannot use subquery in check constraint")
	}
	return sub.coerceBool(e, "CHECK", nil)
}

// CheckDomainExpr binds a domain CHECK expression as CREATE DOMAIN and
// ALTER DOMAIN ADD CONSTRAINT do, to report a bad one at once.
func CheckDomainExpr(cat Catalog, dom *types.T, text string) error {
	_, err := bindDomainExpr(cat, dom, text, &ArrayElem{T: types.BaseType(dom)}, nil)
	return err
}

// BindDomainCheckOn binds a domain CHECK expression over value (say, a
// column of a table being validated against a new constraint).
func BindDomainCheckOn(cat Catalog, dom *types.T, text string, value Expr) (Expr, error) {
	return bindDomainExpr(cat, dom, text, value, nil)
}

// enumCompare binds l op r for a comparison operator over enum values of
// one type (an unknown literal takes the other side's enum type); ok is
// false when the operands are not enums.
func (b *binder) enumCompare(name string, l, r Expr, ln, rn ast.Node) (Expr, bool, error) {
	id, isCmp := cmpOps[name]
	if !isCmp {
		return nil, false, nil
	}
	lt, rt := l.Type(), r.Type()
	var et *types.T
	switch {
	case lt.Enum != nil && (rt.OID == lt.OID || rt.OID == types.OidUnknown):
		et = lt
	case rt.Enum != nil && lt.OID == types.OidUnknown:
		et = rt
	default:
		return nil, false, nil
	}
	var err error
	if l, err = b.coerce(l, et, -1, false, ln); err != nil {
		return nil, true, err
	}
	if r, err = b.coerce(r, et, -1, false, rn); err != nil {
		return nil, true, err
	}
	f := &Func{ID: id, Name: name, Args: []*types.T{et, et}, Ret: types.Bool, Strict: true, Volatility: Immutable}
	return &Call{Fn: f, Args: []Expr{l, r}, T: types.Bool}, true, nil
}

// cmpOps are the comparison operators every btree type has.
var cmpOps = map[string]FuncID{"=": FnEq, "<>": FnNe, "<": FnLt, "<=": FnLe, ">": FnGt, ">=": FnGe}

// userTypeColName names the column of a cast to a catalog-defined type
// as PostgreSQL does, by the type's name: the last part of the written
// name without modifiers or array brackets.
func userTypeColName(s string) string {
	if i := strings.IndexAny(s, "(["); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		s = s[i+1:]
	}
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return strings.ReplaceAll(s[1:len(s)-1], `""`, `"`)
	}
	for i := 0; i < len(s); i++ {
		if !isIdentByte(s[i]) || s[i] == '.' {
			return ""
		}
	}
	return strings.ToLower(s)
}

// BindDomainCheck wraps value, of dom's base type, in dom's checks, for
// writes that do not go through a plan (COPY FROM).
func BindDomainCheck(cat Catalog, dom *types.T, value Expr, fo *types.FormatOpts) (Expr, error) {
	b := &binder{cat: cat, fo: fo}
	return b.domainCheck(value, dom)
}

// enumFunc binds enum_first(anyenum), enum_last(anyenum) and
// enum_range(anyenum [, anyenum]); ok is false for other calls.
func (b *binder) enumFunc(name string, args []Expr) (Expr, bool, error) {
	var id FuncID
	switch name {
	case "enum_first":
		id = FnEnumFirst
	case "enum_last":
		id = FnEnumLast
	case "enum_range":
		id = FnEnumRange
	default:
		return nil, false, nil
	}
	if len(args) == 0 || len(args) > 2 || len(args) == 2 && id != FnEnumRange {
		return nil, false, nil
	}
	et := args[0].Type()
	if len(args) == 2 && et.OID == types.OidUnknown {
		et = args[1].Type()
	}
	if et.Enum == nil {
		return nil, false, nil
	}
	for i := range args {
		var err error
		if args[i], err = b.coerce(args[i], et, -1, false, nil); err != nil {
			return nil, true, err
		}
	}
	ret := et
	if id == FnEnumRange {
		ret = et.Array
	}
	// The arguments' values are ignored except as enum_range's bounds: a
	// typed NULL names the type, so the functions are not strict.
	f := &Func{ID: id, Name: name, Args: []*types.T{et, et}[:len(args)], Ret: ret, Volatility: Stable}
	return &Call{Fn: f, Args: args, T: ret}, true, nil
}
