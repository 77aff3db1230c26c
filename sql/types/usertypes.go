package types

import (
	"sort"
	"strings"
	"sync/atomic"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// Catalog-defined types: enums (CREATE TYPE ... AS ENUM) and domains
// (CREATE DOMAIN). Unlike the built-in types they are made at run time,
// one *T per type per engine, and found by name through a Resolver.
//
// An enum datum is its label, a Go string, so the rest of the engine
// (row storage, hashing, text output) handles it like text; only the
// places that order values (Compare, index keys) and read input
// (ParseText) look at the type's EnumDef. PostgreSQL stores the label's
// pg_enum OID instead; storing the label makes ALTER TYPE ... RENAME VALUE
// a rewrite, which nqdb does not offer yet, in exchange for every string
// path working unchanged.
//
// A domain is its base type with constraints. Expressions see a domain
// column's values as the base type (PostgreSQL, too, resolves operators on
// the base type and sends the base type's OID in RowDescription); the
// domain's T exists for the catalog (pg_type, pg_attribute.atttypid,
// format_type) and for the writes and casts that must check its
// constraints.

// CatEnum is pg_type.typcategory of enum types.
const CatEnum Category = 'E'

// EnumLabel is one value of an enum type: a pg_enum row.
type EnumLabel struct {
	OID   uint32  `json:"oid"`
	Sort  float32 `json:"sort"`
	Label string  `json:"label"`
}

// EnumDef holds an enum type's labels. ALTER TYPE ... ADD VALUE swaps the
// label list when it commits: the *T and its EnumDef stay the same objects,
// so column definitions and cached plans see the new value without being
// rebuilt, and values already stored (labels) keep their meaning.
type EnumDef struct {
	labels atomic.Pointer[enumLabels]
}

type enumLabels struct {
	list  []EnumLabel // in sort order
	order map[string]float32
}

// Labels returns the labels in sort order. The slice must not be modified.
func (e *EnumDef) Labels() []EnumLabel { return e.labels.Load().list }

// SetLabels replaces the labels (any order; they are sorted here).
func (e *EnumDef) SetLabels(ls []EnumLabel) {
	list := append([]EnumLabel(nil), ls...)
	sort.Slice(list, func(i, j int) bool { return list[i].Sort < list[j].Sort })
	m := make(map[string]float32, len(list))
	for _, l := range list {
		m[l.Label] = l.Sort
	}
	e.labels.Store(&enumLabels{list: list, order: m})
}

// SortOrder returns label's pg_enum.enumsortorder.
func (e *EnumDef) SortOrder(label string) (float32, bool) {
	f, ok := e.labels.Load().order[label]
	return f, ok
}

// DomainDef is what the types layer knows of a domain: its base type and
// typmod. Its constraints (NOT NULL, CHECK expressions, DEFAULT) can
// change with ALTER DOMAIN and are kept by the executor's catalog.
type DomainDef struct {
	Base   *T
	Typmod int32
}

// NewEnum makes an enum type and its array type.
func NewEnum(oid, arrayOID OID, name string, labels []EnumLabel) *T {
	t := &T{OID: oid, Name: name, SQLName: QuoteTypeName(name), Len: 4, Category: CatEnum, Enum: &EnumDef{}}
	t.Enum.SetLabels(labels)
	userArray(arrayOID, t)
	return t
}

// NewDomain makes a domain over base and its array type.
func NewDomain(oid, arrayOID OID, name string, base *T, typmod int32) *T {
	t := &T{OID: oid, Name: name, SQLName: QuoteTypeName(name), Len: base.Len, Category: base.Category,
		Domain: &DomainDef{Base: base, Typmod: typmod}}
	userArray(arrayOID, t)
	return t
}

// userArray links a catalog-defined type to its array type "_name".
func userArray(oid OID, elem *T) {
	if oid == 0 {
		return
	}
	elem.Array = &T{OID: oid, Name: "_" + elem.Name, SQLName: elem.SQLName + "[]", Len: -1, Category: CatArray, Elem: elem}
}

// QuoteTypeName is format_type's spelling of a user type's name: quoted
// when it is not a plain lower-case identifier.
func QuoteTypeName(name string) string {
	plain := name != ""
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c == '_' || c >= '0' && c <= '9' && i > 0 || c >= 0x80) {
			plain = false
			break
		}
	}
	if plain {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// BaseType returns the type whose values t holds: a domain's base type
// (domains over domains resolved), t itself otherwise.
func BaseType(t *T) *T {
	for t != nil && t.Domain != nil {
		t = t.Domain.Base
	}
	return t
}

// parseEnum is enum_in: the label must be one of the type's.
func parseEnum(t *T, s string) (Datum, error) {
	if _, ok := t.Enum.SortOrder(s); ok {
		return s, nil
	}
	return nil, pgerror.New(pgerror.InvalidTextRepresentation, "invalid input value for enum %s: \"%s\"", t.Name, s)
}

// Resolver finds catalog-defined types by name for ParseTypeNameWith.
// schema is "" for an unqualified name (the resolver applies the search
// path); the result is nil when there is no such type.
type Resolver func(schema, name string) *T

// ParseTypeNameWith is ParseTypeName with catalog-defined types: a name
// that is not a built-in type is looked up through r (which may be nil).
func ParseTypeNameWith(s string, r Resolver) (*T, int32, error) {
	t, typmod, err := ParseTypeName(s)
	if err == nil || r == nil {
		return t, typmod, err
	}
	pe, ok := err.(*pgerror.Error)
	if !ok || (pe.Code != pgerror.UndefinedObject && pe.Code != pgerror.InvalidSchemaName) {
		return t, typmod, err
	}
	toks, lerr := lexTypeName(s)
	if lerr != nil || len(toks) == 0 {
		return t, typmod, err
	}
	schema := ""
	if len(toks) >= 3 && toks[1].text == "." {
		schema, toks = toks[0].text, toks[2:]
	}
	isArray := false
	for len(toks) > 1 {
		last := toks[len(toks)-1]
		switch {
		case last.text == "]" && !last.quoted:
			k := len(toks) - 2
			for k >= 0 && toks[k].text != "[" {
				k--
			}
			if k < 0 {
				return t, typmod, err
			}
			toks, isArray = toks[:k], true
			continue
		case last.text == "array" && !last.quoted:
			toks, isArray = toks[:len(toks)-1], true
			continue
		}
		break
	}
	if len(toks) != 1 {
		return t, typmod, err
	}
	ut := r(schema, toks[0].text)
	if ut == nil {
		return t, typmod, err
	}
	if isArray {
		if ut.Array == nil {
			return t, typmod, err
		}
		return ut.Array, -1, nil
	}
	return ut, -1, nil
}
