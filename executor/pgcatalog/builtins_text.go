package pgcatalog

import (
	"strconv"
	"strings"

	"github.com/neuroquantumdb/nqdb/executor/eval"
)

// BuiltinFunctionText is pg_get_functiondef, pg_get_function_arguments,
// _identity_arguments or _result for a built-in function with
// PostgreSQL's OID: PostgreSQL's own texts (pgdata_proc.go), the
// definition composed as ruleutils.c's pg_get_functiondef does. ok is
// false when oid is not such a function, and for pg_get_functiondef of an
// aggregate (an error in PostgreSQL: "sum" is an aggregate function).
func BuiltinFunctionText(oid uint32, what eval.FunctionTextKind) (text string, ok bool) {
	s := builtins()
	i, found := s.procByOID[oid]
	if !found || s.procs[i].pg == nil {
		return "", false
	}
	p := s.procs[i].pg
	switch what {
	case eval.FunctionArgs:
		return p.FArgs, true
	case eval.FunctionIdentityArgs:
		if p.FIdArgs != "" {
			return p.FIdArgs, true
		}
		return p.FArgs, true
	case eval.FunctionResult:
		if p.Kind == 'p' {
			return "", false // NULL for procedures
		}
		return p.FResult, true
	}
	if p.Kind == 'a' {
		return "", false
	}
	if p.Def != "" {
		return p.Def, true
	}
	return appendFunctionDef(nil, p), true
}

// appendFunctionDef is pg_get_functiondef of a built-in function.
func appendFunctionDef(buf []byte, p *pgProc) string {
	buf = append(buf, "CREATE OR REPLACE FUNCTION pg_catalog."...)
	buf = append(buf, eval.QuoteIdent(p.Name)...)
	buf = append(buf, '(')
	buf = append(buf, p.FArgs...)
	buf = append(buf, ")\n RETURNS "...)
	buf = append(buf, p.FResult...)
	buf = append(buf, "\n LANGUAGE "...)
	defCost := 100.0
	switch p.Lang {
	case 12:
		buf = append(buf, "internal"...)
		defCost = 1
	case 13:
		buf = append(buf, 'c')
		defCost = 1
	case 14:
		buf = append(buf, "sql"...)
	default:
		buf = strconv.AppendUint(buf, uint64(p.Lang), 10)
	}
	buf = append(buf, '\n')
	opts := len(buf)
	if p.Kind == 'w' {
		buf = append(buf, " WINDOW"...)
	}
	switch p.Vol {
	case 'i':
		buf = append(buf, " IMMUTABLE"...)
	case 's':
		buf = append(buf, " STABLE"...)
	}
	switch p.Par {
	case 's':
		buf = append(buf, " PARALLEL SAFE"...)
	case 'r':
		buf = append(buf, " PARALLEL RESTRICTED"...)
	}
	if p.Strict {
		buf = append(buf, " STRICT"...)
	}
	if p.SecDef {
		buf = append(buf, " SECURITY DEFINER"...)
	}
	if p.Leakproof {
		buf = append(buf, " LEAKPROOF"...)
	}
	if p.Cost != defCost {
		buf = append(buf, " COST "...)
		buf = strconv.AppendFloat(buf, p.Cost, 'g', -1, 64)
	}
	if p.Rows > 0 && p.Rows != 1000 {
		buf = append(buf, " ROWS "...)
		buf = strconv.AppendFloat(buf, p.Rows, 'g', -1, 64)
	}
	if p.Support != 0 {
		if name, ok := ProcName(p.Support); ok {
			buf = append(buf, " SUPPORT "...)
			buf = append(buf, name...)
		}
	}
	if len(buf) != opts {
		buf = append(buf, '\n')
	}
	buf = append(buf, "AS "...)
	if p.Bin != "" {
		// simple_quote_literal: standard_conforming_strings is on.
		buf = append(buf, '\'')
		buf = append(buf, strings.ReplaceAll(p.Bin, "'", "''")...)
		buf = append(buf, "', "...)
	}
	src := p.Src
	if src == "" {
		src = p.Name
	}
	dq := "$function"
	for strings.Contains(src, dq) {
		dq += "x"
	}
	dq += "$"
	buf = append(buf, dq...)
	buf = append(buf, src...)
	buf = append(buf, dq...)
	return string(append(buf, '\n'))
}

// builtinSQLBody is pg_get_function_sqlbody of a built-in function: the
// RETURN or BEGIN ATOMIC part of PostgreSQL's definition.
func builtinSQLBody(oid uint32) (string, bool) {
	s := builtins()
	p := s.pgProcByOID[oid]
	if p == nil || p.Def == "" {
		return "", false
	}
	for _, start := range []string{"\nRETURN ", "\nBEGIN ATOMIC"} {
		if i := strings.Index(p.Def, start); i >= 0 {
			return strings.TrimSuffix(p.Def[i+1:], "\n"), true
		}
	}
	return "", false
}

func init() { eval.BuiltinSQLBody = builtinSQLBody }
