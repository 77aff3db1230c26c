package types

import (
	"strings"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// regprocedure, regoper and regoperator: a function's OID shown as
// name(argtypes), an operator's as its name or as name(left,right). The
// functions and operators are the built-in ones the RegprocResolver
// knows (executor/pgcatalog installs it); without one only OID numbers
// read and print.

// The OIDs of the signature types.
const (
	OidRegprocedure OID = 2202
	OidRegoper      OID = 2203
	OidRegoperator  OID = 2204
)

// The signature types.
var (
	Regprocedure = &T{OID: OidRegprocedure, Name: "regprocedure", SQLName: "regprocedure", Len: 4, Category: CatNumeric}
	Regoper      = &T{OID: OidRegoper, Name: "regoper", SQLName: "regoper", Len: 4, Category: CatNumeric}
	Regoperator  = &T{OID: OidRegoperator, Name: "regoperator", SQLName: "regoperator", Len: 4, Category: CatNumeric}
)

func init() {
	for _, t := range []*T{Regprocedure, Regoper, Regoperator} {
		byOID[t.OID] = t
		byName[t.Name] = t
	}
}

// appendRegSignature is regprocedureout, regoperout and regoperatorout:
// "-" for 0 (regprocedure only; the others print 0), the name or
// signature of a known object, else the number.
func appendRegSignature(buf []byte, typ OID, oid int64) []byte {
	r := regprocResolver
	if oid <= 0 || oid > 1<<32-1 || r == nil {
		if oid == 0 && typ == OidRegprocedure {
			return append(buf, '-')
		}
		return appendInt(buf, oid)
	}
	switch typ {
	case OidRegprocedure:
		name, ok := r.ByOID(uint32(oid))
		args, ok2 := r.Args(uint32(oid))
		if !ok || !ok2 {
			break
		}
		buf = append(buf, name...)
		buf = append(buf, '(')
		for i, a := range args {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendSigType(buf, a)
		}
		return append(buf, ')')
	default:
		name, l, rt, ok := r.Oper(uint32(oid))
		if !ok {
			break
		}
		if typ == OidRegoper {
			// regoperout qualifies a name regoperin would not read back.
			if len(r.OpersByName(name)) > 1 {
				buf = append(buf, "pg_catalog."...)
			}
			return append(buf, name...)
		}
		buf = append(buf, name...)
		buf = append(buf, '(')
		if l == 0 {
			buf = append(buf, "NONE"...)
		} else {
			buf = appendSigType(buf, l)
		}
		buf = append(buf, ',')
		buf = appendSigType(buf, rt)
		return append(buf, ')')
	}
	return appendInt(buf, oid)
}

// appendSigType is format_type_be of a signature's type.
func appendSigType(buf []byte, oid uint32) []byte {
	if t := ByOID(oid); t != nil {
		return append(buf, FormatType(t, -1)...)
	}
	if r := regprocResolver; r != nil && r.TypeName != nil {
		if n, ok := r.TypeName(oid); ok {
			return append(buf, n...)
		}
	}
	return appendInt(buf, int64(oid))
}

// parseRegSignature is regprocedurein, regoperin and regoperatorin.
func parseRegSignature(typ OID, s string) (Datum, error) {
	t := strings.TrimSpace(s)
	if t != "" && t[0] >= '0' && t[0] <= '9' {
		return parseOid(t)
	}
	if typ == OidRegprocedure && t == "-" {
		return int64(0), nil
	}
	r := regprocResolver
	if typ == OidRegoper {
		name := strings.TrimPrefix(t, "pg_catalog.")
		var oids []uint32
		if r != nil {
			oids = r.OpersByName(name)
		}
		switch len(oids) {
		case 0:
			return nil, pgerror.New(pgerror.UndefinedFunction, "operator does not exist: %s", s)
		case 1:
			return int64(oids[0]), nil
		}
		return nil, pgerror.New(pgerror.AmbiguousFunction, "more than one operator named %s", s)
	}
	name, args, err := splitSignature(t)
	if err != nil {
		return nil, err
	}
	argOIDs := make([]uint32, len(args))
	for i, a := range args {
		if typ == OidRegoperator && strings.EqualFold(a, "none") {
			continue // 0: the missing side of a prefix operator
		}
		oid, err := sigTypeOID(a)
		if err != nil {
			return nil, err
		}
		argOIDs[i] = oid
	}
	if typ == OidRegprocedure {
		name = strings.TrimPrefix(strings.ToLower(name), "pg_catalog.")
		if r != nil {
			for _, oid := range r.ByName(name) {
				if got, ok := r.Args(oid); ok && equalOIDs(got, argOIDs) {
					return int64(oid), nil
				}
			}
		}
		return nil, pgerror.New(pgerror.UndefinedFunction, "function \"%s\" does not exist", s)
	}
	switch {
	case len(args) == 1:
		return nil, pgerror.New(pgerror.UndefinedParameter, "missing argument").
			WithHint("Use NONE to denote the missing argument of a unary operator.")
	case len(args) != 2:
		return nil, pgerror.New(pgerror.TooManyArguments, "too many arguments").
			WithHint("Provide two argument types for operator.")
	}
	if r != nil {
		for _, oid := range r.OpersByName(strings.TrimPrefix(name, "pg_catalog.")) {
			if _, l, rt, ok := r.Oper(oid); ok && l == argOIDs[0] && rt == argOIDs[1] {
				return int64(oid), nil
			}
		}
	}
	return nil, pgerror.New(pgerror.UndefinedFunction, "operator does not exist: %s", s)
}

func equalOIDs(a, b []uint32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// splitSignature is parseNameAndArgTypes: name(type, type, ...), the
// name possibly double-quoted, the types split at top-level commas.
func splitSignature(s string) (name string, args []string, err error) {
	inQuote := false
	open := -1
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			inQuote = !inQuote
		} else if s[i] == '(' && !inQuote {
			open = i
			break
		}
	}
	if open < 0 {
		return "", nil, pgerror.New(pgerror.InvalidTextRepresentation, "expected a left parenthesis")
	}
	name = strings.TrimSpace(s[:open])
	if len(name) >= 2 && name[0] == '"' && name[len(name)-1] == '"' {
		name = strings.ReplaceAll(name[1:len(name)-1], `""`, `"`)
	} else {
		name = strings.ToLower(name)
	}
	rest := strings.TrimSpace(s[open+1:])
	if !strings.HasSuffix(rest, ")") {
		return "", nil, pgerror.New(pgerror.InvalidTextRepresentation, "expected a right parenthesis")
	}
	rest = strings.TrimSpace(rest[:len(rest)-1])
	if rest == "" {
		return name, nil, nil
	}
	depth, start := 0, 0
	inQuote = false
	for i := 0; i <= len(rest); i++ {
		if i < len(rest) {
			switch c := rest[i]; {
			case c == '"':
				inQuote = !inQuote
			case inQuote:
			case c == '(':
				depth++
			case c == ')':
				depth--
			}
			if i < len(rest) && (rest[i] != ',' || depth > 0 || inQuote) {
				continue
			}
		}
		a := strings.TrimSpace(rest[start:i])
		if a == "" {
			return "", nil, pgerror.New(pgerror.InvalidTextRepresentation, "expected a type name")
		}
		args = append(args, a)
		start = i + 1
	}
	return name, args, nil
}

// sigTypeOID resolves one type name of a signature.
func sigTypeOID(name string) (uint32, error) {
	t, _, err := ParseTypeName(name)
	if err == nil {
		return t.OID, nil
	}
	if r := regprocResolver; r != nil && r.TypeOID != nil {
		if oid, ok := r.TypeOID(strings.ToLower(strings.Trim(name, `"`))); ok {
			return oid, nil
		}
	}
	return 0, err
}
