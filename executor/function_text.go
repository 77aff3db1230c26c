package executor

import (
	"strconv"
	"strings"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/executor/pgcatalog"
)

// The texts PostgreSQL's ruleutils.c prints for a routine:
// pg_get_functiondef, pg_get_function_arguments /
// identity_arguments / result. Defaults and SQL-standard bodies are
// printed as written (PostgreSQL deparses its stored parse trees).

var _ eval.FunctionEnv = (*Session)(nil)

// FunctionText implements eval.FunctionEnv.
func (s *Session) FunctionText(oid uint32, what eval.FunctionTextKind) (string, bool) {
	fd, ok := s.allFuncs()[oid]
	if !ok {
		// Built-in functions: PostgreSQL's texts.
		return pgcatalog.BuiltinFunctionText(oid, what)
	}
	switch what {
	case eval.FunctionArgs:
		return s.funcArgsText(&fd.rec, true), true
	case eval.FunctionIdentityArgs:
		return s.funcArgsText(&fd.rec, false), true
	case eval.FunctionResult:
		return s.funcResultText(&fd.rec), true
	}
	return s.funcDefText(&fd.rec), true
}

// FunctionVisible implements eval.FunctionEnv: the routine's schema is on
// the search path and no earlier routine there has its name and inputs.
func (s *Session) FunctionVisible(oid uint32) (bool, bool) {
	fd, ok := s.allFuncs()[oid]
	if !ok {
		return false, false
	}
	for _, uf := range s.UserFunctions("", fd.rec.Name) {
		if sameTypes(uf.Args, fd.uf.Args) {
			return uf.OID == oid, true
		}
	}
	return false, true
}

// typeText is format_type for a parameter or result type.
func (s *Session) typeText(oid uint32) string {
	if t := s.sessionType(oid); t != nil {
		return t.SQLName
	}
	return "???"
}

// funcArgsText is print_function_arguments: every parameter but RETURNS
// TABLE's, with its mode (OUT, INOUT, VARIADIC), name and, when defaults
// is set, DEFAULT (identity arguments have none).
func (s *Session) funcArgsText(r *funcRecord, defaults bool) string {
	var b strings.Builder
	n := 0
	for _, p := range r.Params {
		if p.Mode == "t" {
			continue
		}
		if n > 0 {
			b.WriteString(", ")
		}
		n++
		switch p.Mode {
		case "i":
			if r.Kind == "p" {
				b.WriteString("IN ") // procedures may have OUT ones
			}
		case "o":
			b.WriteString("OUT ")
		case "b":
			b.WriteString("INOUT ")
		case "v":
			b.WriteString("VARIADIC ")
		}
		if p.Name != "" {
			b.WriteString(quoteIdentIfNeeded(p.Name))
			b.WriteByte(' ')
		}
		b.WriteString(s.typeText(p.Type))
		if defaults && p.Default != "" {
			b.WriteString(" DEFAULT ")
			b.WriteString(p.Default)
		}
	}
	return b.String()
}

// funcResultText is pg_get_function_result.
func (s *Session) funcResultText(r *funcRecord) string {
	if r.Kind == "p" {
		return ""
	}
	var cols []string
	for _, p := range r.Params {
		if p.Mode == "t" {
			cols = append(cols, quoteIdentIfNeeded(p.Name)+" "+s.typeText(p.Type))
		}
	}
	if len(cols) > 0 {
		return "TABLE(" + strings.Join(cols, ", ") + ")"
	}
	if r.RetSet {
		return "SETOF " + s.typeText(r.Ret)
	}
	return s.typeText(r.Ret)
}

// funcDefText is pg_get_functiondef.
func (s *Session) funcDefText(r *funcRecord) string {
	var b strings.Builder
	word := "FUNCTION"
	if r.Kind == "p" {
		word = "PROCEDURE"
	}
	b.WriteString("CREATE OR REPLACE " + word + " ")
	b.WriteString(quoteIdentIfNeeded(r.Schema) + "." + quoteIdentIfNeeded(r.Name))
	b.WriteString("(" + s.funcArgsText(r, true) + ")\n")
	if r.Kind != "p" {
		b.WriteString(" RETURNS " + s.funcResultText(r) + "\n")
	}
	b.WriteString(" LANGUAGE " + quoteIdentIfNeeded(r.Language) + "\n")
	opts := ""
	switch r.Volatility {
	case "i":
		opts += " IMMUTABLE"
	case "s":
		opts += " STABLE"
	}
	switch r.Parallel {
	case "s":
		opts += " PARALLEL SAFE"
	case "r":
		opts += " PARALLEL RESTRICTED"
	}
	if r.Strict {
		opts += " STRICT"
	}
	if r.Security {
		opts += " SECURITY DEFINER"
	}
	if r.Leakproof {
		opts += " LEAKPROOF"
	}
	if r.Cost != 100 {
		opts += " COST " + strconv.FormatFloat(r.Cost, 'g', -1, 64)
	}
	if r.Rows > 0 && r.Rows != 1000 {
		opts += " ROWS " + strconv.FormatFloat(r.Rows, 'g', -1, 64)
	}
	if opts != "" {
		b.WriteString(opts + "\n")
	}
	if r.SQLBody {
		if strings.HasPrefix(r.Exec, "SELECT ") && !strings.HasPrefix(strings.ToLower(strings.TrimSpace(r.Src)), "begin") {
			b.WriteString("RETURN " + r.Src)
		} else {
			b.WriteString(r.Src)
		}
	} else {
		tag := "$" + strings.ToLower(word)
		for strings.Contains(r.Src, tag) {
			tag += "x"
		}
		tag += "$"
		b.WriteString("AS " + tag + r.Src + tag)
	}
	b.WriteByte('\n')
	return b.String()
}
