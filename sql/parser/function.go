package parser

import (
	"strings"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// User-defined functions and procedures: CREATE [OR REPLACE] FUNCTION /
// PROCEDURE, DROP FUNCTION / PROCEDURE / ROUTINE, ALTER FUNCTION /
// PROCEDURE ... RENAME TO / SET SCHEMA / OWNER TO and CALL. The TiDB
// grammar knows none of PostgreSQL's routine syntax, so these have their
// own parser; the body is kept as text and parsed again by the executor,
// which checks it at CREATE time and plans it where the function is
// called (PostgreSQL's SQL functions are stored as text in prosrc too).

// FuncParam is one parameter of CREATE FUNCTION (or a column of RETURNS
// TABLE, Mode "table").
type FuncParam struct {
	// Mode is "in" (the default), "out", "inout", "variadic" or "table".
	Mode string
	// Name is the parameter's name ("" when unnamed).
	Name string
	// Type is the type name as written, normalised like cast type names.
	Type string
	// Default is the DEFAULT (or =) expression as written, "" when none;
	// DefaultPos is where it starts (1-based characters of the query).
	Default    string
	DefaultPos int
}

// CreateFunction is CREATE [OR REPLACE] FUNCTION | PROCEDURE name
// (params) [RETURNS type | RETURNS SETOF type | RETURNS TABLE (cols)]
// options body.
type CreateFunction struct {
	// Name is the routine's name, "schema.name" when qualified.
	Name      string
	OrReplace bool
	Procedure bool
	Params    []FuncParam
	// Returns is the result type name ("" when not given: a procedure,
	// or a function whose OUT parameters give the result).
	Returns string
	// SetOf is RETURNS SETOF type (and RETURNS TABLE).
	SetOf bool
	// Table holds RETURNS TABLE's columns.
	Table []FuncParam
	// Language is the lower-cased LANGUAGE ("" when not given).
	Language string
	// Volatility is 'i', 's' or 'v' (0 when not given: volatile).
	Volatility byte
	// Strict is STRICT / RETURNS NULL ON NULL INPUT.
	Strict bool
	// Parallel is PARALLEL's word ("" when not given).
	Parallel string
	// Body is the AS string's content (the function's source text) and
	// BodyPos where it starts in the query (1-based characters), for
	// errors in the body; HasBody tells an empty AS '' from none.
	Body    string
	BodyPos int
	HasBody bool
	// SQLBody is the SQL-standard body, RETURN expr or BEGIN ATOMIC ...
	// END, as written (Return tells which); SQLBodyPos where it starts.
	SQLBody    string
	SQLBodyPos int
	Return     bool
	// Cost and Rows are COST and ROWS (0 when not given).
	Cost, Rows float64
	// Security is "definer" or "invoker" ("" when not given); Leakproof
	// is LEAKPROOF.
	Security  string
	Leakproof bool
	// Text is the whole statement as written.
	Text string
}

// FuncRef names a routine in DROP and ALTER: name [(argtypes)]. Without
// parentheses HasArgs is false and the name must be unique.
type FuncRef struct {
	Name    string
	Args    []string
	HasArgs bool
}

// DropFunction is DROP FUNCTION | PROCEDURE | ROUTINE [IF EXISTS] ref [,
// ...] [CASCADE | RESTRICT]; Kind is the word used.
type DropFunction struct {
	Kind     string
	Funcs    []FuncRef
	IfExists bool
	Cascade  bool
}

// AlterFunction is ALTER FUNCTION | PROCEDURE | ROUTINE ref followed by
// RENAME TO name, SET SCHEMA schema, OWNER TO role or routine options
// (Volatility, Strict, ... as in CreateFunction; SetStrict tells STRICT
// was given).
type AlterFunction struct {
	Kind       string
	Func       FuncRef
	NewName    string
	NewSchema  string
	Owner      string
	Volatility byte
	Strict     bool
	SetStrict  bool
}

// Call is CALL name(args); Expr is `name(args)` as written, which the
// executor binds as a function call, and ExprPos where it starts.
type Call struct {
	Name    string
	Expr    string
	ExprPos int
}

func (*CreateFunction) utility() {}
func (*DropFunction) utility()   {}
func (*AlterFunction) utility()  {}
func (*Call) utility()           {}

// isRoutineWord reports whether t names a kind of routine.
func isRoutineWord(t *token) bool {
	return t.is("function") || t.is("procedure") || t.is("routine")
}

// isFunctionDDL reports whether toks start CREATE [OR REPLACE] FUNCTION |
// PROCEDURE, DROP / ALTER FUNCTION | PROCEDURE | ROUTINE, or CALL.
func isFunctionDDL(toks []token) bool {
	if len(toks) < 2 {
		return false
	}
	switch {
	case toks[0].is("call"):
		return true
	case toks[0].is("drop"), toks[0].is("alter"):
		return isRoutineWord(&toks[1])
	case toks[0].is("create"):
		i := 1
		if toks[i].is("or") && len(toks) > 3 && toks[i+1].is("replace") {
			i += 2
		}
		return toks[i].is("function") || toks[i].is("procedure")
	}
	return false
}

// functionDDL parses the statements isFunctionDDL accepts.
func (p *uparser) functionDDL() (Utility, error) {
	switch p.toks[0].val {
	case "call":
		return p.call()
	case "drop":
		return p.dropFunction()
	case "alter":
		return p.alterFunction()
	}
	return p.createFunction()
}

func (p *uparser) call() (Utility, error) {
	p.i = 1
	start := p.peek()
	n, err := p.qualifiedName()
	if err != nil {
		return nil, err
	}
	if !p.peek().isSelf('(') {
		return nil, p.errHere()
	}
	if err := p.skipParens(); err != nil {
		return nil, err
	}
	if err := p.expectEnd(); err != nil {
		return nil, err
	}
	last := &p.toks[len(p.toks)-1]
	return &Call{Name: n, Expr: p.src[start.pos:last.end], ExprPos: charPos(p.src, start.pos)}, nil
}

// typeKeywords are PostgreSQL's col_name_keywords that spell types: a
// parameter cannot be named after them.
var typeKeywords = map[string]bool{
	"bigint": true, "bit": true, "boolean": true, "char": true, "character": true, "dec": true,
	"decimal": true, "float": true, "int": true, "integer": true, "interval": true, "national": true,
	"nchar": true, "numeric": true, "real": true, "smallint": true, "time": true, "timestamp": true,
	"varchar": true,
}

// isParamEnd reports whether t ends a parameter's type.
func isParamEnd(t *token) bool {
	return t.kind == tkEOF || t.isSelf(',') || t.isSelf(')') || t.is("default") || (t.kind == tkOp && t.val == "=")
}

// typeAt parses a type name at the cursor (with %TYPE refused and SETOF
// handled by the caller).
func (p *uparser) typeAt() (string, error) {
	name, j, ok := parseTypeName(p.toks, p.i)
	if !ok {
		p.i = j
		return "", p.errHere()
	}
	p.i = j
	if p.peek().kind == tkOp && p.peek().val == "%" {
		return "", pgerror.New(pgerror.FeatureNotSupported, "%%TYPE references are not supported yet").
			WithPosition(charPos(p.src, p.peek().pos))
	}
	return name, nil
}

// funcParams parses `( [param [, ...]] )`; table is set for RETURNS
// TABLE's columns (name type, no modes or defaults).
func (p *uparser) funcParams(table bool) ([]FuncParam, error) {
	if !p.acceptSelf('(') {
		return nil, p.errHere()
	}
	var out []FuncParam
	if p.acceptSelf(')') {
		if table {
			return nil, syntaxErrorAt(p.src, p.at(p.i-1))
		}
		return out, nil
	}
	for {
		fp := FuncParam{Mode: "in"}
		if table {
			fp.Mode = "table"
		} else if t := p.peek(); (t.is("in") || t.is("out") || t.is("inout") || t.is("variadic")) && !isParamEnd(p.at(p.i+1)) {
			fp.Mode = t.val
			p.i++
			if fp.Mode == "in" && p.peek().is("out") && !isParamEnd(p.at(p.i+1)) {
				fp.Mode = "inout"
				p.i++
			}
		}
		// name type, or a type alone: a bare type ends at , ) DEFAULT =;
		// type keywords cannot be names.
		if _, j, ok := parseTypeName(p.toks, p.i); (!ok || !isParamEnd(p.at(j)) || table) && !typeKeywords[p.peek().val] {
			t := p.peek()
			if t.kind != tkIdent && t.kind != tkQIdent {
				return nil, p.errHere()
			}
			fp.Name = t.val
			p.i++
		}
		typ, err := p.typeAt()
		if err != nil {
			return nil, err
		}
		fp.Type = typ
		if !table && (p.peek().is("default") || (p.peek().kind == tkOp && p.peek().val == "=")) {
			p.i++
			start := p.i
			depth := 0
			for ; p.i < len(p.toks); p.i++ {
				t := &p.toks[p.i]
				if t.isSelf('(') || t.isSelf('[') {
					depth++
				} else if t.isSelf(')') || t.isSelf(']') {
					if depth == 0 {
						break
					}
					depth--
				} else if t.isSelf(',') && depth == 0 {
					break
				}
			}
			if p.i == start {
				return nil, p.errHere()
			}
			fp.Default = p.src[p.toks[start].pos:p.toks[p.i-1].end]
			fp.DefaultPos = charPos(p.src, p.toks[start].pos)
		}
		out = append(out, fp)
		if p.acceptSelf(')') {
			return out, nil
		}
		if !p.acceptSelf(',') {
			return nil, p.errHere()
		}
	}
}

// stringBodyStart returns the byte offset where a string token's content
// starts: after the opening quote, E' or $tag$.
func stringBodyStart(src string, t *token) int {
	if t.pos < len(src) && src[t.pos] == '$' {
		if k := strings.IndexByte(src[t.pos+1:t.end], '$'); k >= 0 {
			return t.pos + k + 2
		}
	}
	if k := strings.IndexByte(src[t.pos:t.end], '\''); k >= 0 {
		return t.pos + k + 1
	}
	return t.pos
}

func (p *uparser) createFunction() (Utility, error) {
	u := &CreateFunction{Text: p.src[p.toks[0].pos:p.toks[len(p.toks)-1].end]}
	p.i = 1
	if p.accept("or") {
		if err := p.expect("replace"); err != nil {
			return nil, err
		}
		u.OrReplace = true
	}
	u.Procedure = p.peek().is("procedure")
	p.i++
	n, err := p.qualifiedName()
	if err != nil {
		return nil, err
	}
	u.Name = n
	if u.Params, err = p.funcParams(false); err != nil {
		return nil, err
	}
	if !u.Procedure && p.accept("returns") {
		switch {
		case p.peek().is("setof"):
			p.i++
			u.SetOf = true
			if u.Returns, err = p.typeAt(); err != nil {
				return nil, err
			}
		case p.peek().is("table") && p.at(p.i+1).isSelf('('):
			p.i++
			u.SetOf = true
			if u.Table, err = p.funcParams(true); err != nil {
				return nil, err
			}
		default:
			if u.Returns, err = p.typeAt(); err != nil {
				return nil, err
			}
		}
	}
	seen := map[string]bool{}
	redundant := func(what string, t *token) error {
		if seen[what] {
			return pgerror.New(pgerror.SyntaxError, "conflicting or redundant options").WithPosition(charPos(p.src, t.pos))
		}
		seen[what] = true
		return nil
	}
	for !p.done() {
		t := p.peek()
		switch {
		case t.is("language"):
			if err := redundant("language", t); err != nil {
				return nil, err
			}
			p.i++
			l := p.peek()
			if p.done() || (l.kind != tkIdent && l.kind != tkQIdent && l.kind != tkString) {
				return nil, p.errHere()
			}
			u.Language = strings.ToLower(l.val)
			p.i++
		case t.is("immutable"), t.is("stable"), t.is("volatile"):
			if err := redundant("volatility", t); err != nil {
				return nil, err
			}
			u.Volatility = t.val[0]
			p.i++
		case t.is("strict"):
			if err := redundant("strict", t); err != nil {
				return nil, err
			}
			u.Strict = true
			p.i++
		case t.is("called"):
			if err := redundant("strict", t); err != nil {
				return nil, err
			}
			p.i++
			for _, w := range []string{"on", "null", "input"} {
				if err := p.expect(w); err != nil {
					return nil, err
				}
			}
		case t.is("returns"):
			if err := redundant("strict", t); err != nil {
				return nil, err
			}
			p.i++
			for _, w := range []string{"null", "on", "null", "input"} {
				if err := p.expect(w); err != nil {
					return nil, err
				}
			}
			u.Strict = true
		case t.is("parallel"):
			if err := redundant("parallel", t); err != nil {
				return nil, err
			}
			p.i++
			w := p.peek()
			if !w.is("safe") && !w.is("restricted") && !w.is("unsafe") {
				if w.kind == tkIdent {
					return nil, pgerror.New(pgerror.InvalidParameterValue, "parameter \"parallel\" must be SAFE, RESTRICTED, or UNSAFE")
				}
				return nil, p.errHere()
			}
			u.Parallel = w.val
			p.i++
		case t.is("external"), t.is("security"):
			if err := redundant("security", t); err != nil {
				return nil, err
			}
			p.i++
			if t.is("external") {
				if err := p.expect("security"); err != nil {
					return nil, err
				}
			}
			w := p.peek()
			if !w.is("definer") && !w.is("invoker") {
				return nil, p.errHere()
			}
			u.Security = w.val
			p.i++
		case t.is("leakproof"):
			if err := redundant("leakproof", t); err != nil {
				return nil, err
			}
			u.Leakproof = true
			p.i++
		case t.is("not") && p.at(p.i+1).is("leakproof"):
			if err := redundant("leakproof", t); err != nil {
				return nil, err
			}
			p.i += 2
		case t.is("cost"), t.is("rows"):
			if err := redundant(t.val, t); err != nil {
				return nil, err
			}
			p.i++
			num := p.peek()
			if num.kind != tkNumber {
				return nil, p.errHere()
			}
			v, perr := parseFloat(num.val)
			if perr != nil {
				return nil, p.errHere()
			}
			if t.is("cost") {
				u.Cost = v
			} else {
				u.Rows = v
			}
			p.i++
		case t.is("window"):
			return nil, pgerror.New(pgerror.FeatureNotSupported, "WINDOW functions in SQL are not supported")
		case t.is("set"), t.is("support"), t.is("transform"):
			return nil, pgerror.New(pgerror.FeatureNotSupported, "%s in CREATE FUNCTION is not supported yet", strings.ToUpper(t.val)).
				WithPosition(charPos(p.src, t.pos))
		case t.is("as"):
			if err := redundant("as", t); err != nil {
				return nil, err
			}
			p.i++
			s := p.peek()
			if s.kind != tkString {
				return nil, p.errHere()
			}
			u.Body, u.BodyPos, u.HasBody = s.val, charPos(p.src, stringBodyStart(p.src, s)), true
			p.i++
			if p.acceptSelf(',') {
				// AS 'obj_file', 'link_symbol' of C functions.
				if p.peek().kind != tkString {
					return nil, p.errHere()
				}
				p.i++
			}
		case t.is("return"):
			p.i++
			if p.done() {
				return nil, p.errHere()
			}
			first := p.peek()
			u.SQLBody, u.SQLBodyPos, u.Return = p.src[first.pos:p.toks[len(p.toks)-1].end], charPos(p.src, first.pos), true
			p.i = len(p.toks)
		case t.is("begin") && p.at(p.i+1).is("atomic"):
			last := &p.toks[len(p.toks)-1]
			if !last.is("end") {
				return nil, syntaxErrorAt(p.src, p.at(len(p.toks)))
			}
			u.SQLBody, u.SQLBodyPos = p.src[t.pos:last.end], charPos(p.src, t.pos)
			p.i = len(p.toks)
		default:
			return nil, p.errHere()
		}
	}
	if u.HasBody && u.SQLBody != "" {
		return nil, pgerror.New(pgerror.InvalidFunctionDefinition, "duplicate function body specified")
	}
	return u, nil
}

// parseFloat reads COST / ROWS values.
func parseFloat(s string) (float64, error) {
	var v float64
	var frac float64
	seenDot := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if seenDot {
				frac /= 10
				v += float64(c-'0') * frac
			} else {
				v = v*10 + float64(c-'0')
			}
		case c == '.' && !seenDot:
			seenDot, frac = true, 1
		default:
			return 0, pgerror.New(pgerror.SyntaxError, "invalid number")
		}
	}
	return v, nil
}

// funcRef parses name [( [[mode] [name] type [, ...]] )] of DROP and
// ALTER: only the input parameters' types identify the routine.
func (p *uparser) funcRef() (FuncRef, error) {
	var r FuncRef
	n, err := p.qualifiedName()
	if err != nil {
		return r, err
	}
	r.Name = n
	if !p.peek().isSelf('(') {
		return r, nil
	}
	r.HasArgs = true
	params, err := p.funcParams(false)
	if err != nil {
		return r, err
	}
	for _, fp := range params {
		if fp.Mode == "out" {
			continue
		}
		r.Args = append(r.Args, fp.Type)
	}
	return r, nil
}

func (p *uparser) dropFunction() (Utility, error) {
	u := &DropFunction{Kind: p.toks[1].val}
	p.i = 2
	if p.accept("if") {
		if err := p.expect("exists"); err != nil {
			return nil, err
		}
		u.IfExists = true
	}
	for {
		r, err := p.funcRef()
		if err != nil {
			return nil, err
		}
		u.Funcs = append(u.Funcs, r)
		if !p.acceptSelf(',') {
			break
		}
	}
	switch {
	case p.accept("cascade"):
		u.Cascade = true
	case p.accept("restrict"):
	}
	return u, p.expectEnd()
}

func (p *uparser) alterFunction() (Utility, error) {
	u := &AlterFunction{Kind: p.toks[1].val}
	p.i = 2
	r, err := p.funcRef()
	if err != nil {
		return nil, err
	}
	u.Func = r
	switch {
	case p.accept("rename"):
		if u.NewName, err = p.toName(); err != nil {
			return nil, err
		}
	case p.peek().is("set") && p.at(p.i+1).is("schema"):
		p.i += 2
		if u.NewSchema, err = p.name(); err != nil {
			return nil, err
		}
	case p.accept("owner"):
		if u.Owner, err = p.toName(); err != nil {
			return nil, err
		}
	default:
		first := p.i
		for !p.done() {
			t := p.peek()
			switch {
			case t.is("immutable"), t.is("stable"), t.is("volatile"):
				u.Volatility = t.val[0]
				p.i++
			case t.is("strict"):
				u.Strict, u.SetStrict = true, true
				p.i++
			case t.is("called"):
				p.i++
				for _, w := range []string{"on", "null", "input"} {
					if err := p.expect(w); err != nil {
						return nil, err
					}
				}
				u.Strict, u.SetStrict = false, true
			case t.is("returns"):
				p.i++
				for _, w := range []string{"null", "on", "null", "input"} {
					if err := p.expect(w); err != nil {
						return nil, err
					}
				}
				u.Strict, u.SetStrict = true, true
			case t.is("restrict"):
				p.i++
			case t.is("leakproof"), t.is("not") && p.at(p.i+1).is("leakproof"):
				if t.is("not") {
					p.i++
				}
				p.i++
			case t.is("parallel"):
				p.i += 2
			case t.is("cost"), t.is("rows"):
				p.i += 2
			case t.is("security"), t.is("external"):
				if t.is("external") {
					p.i++
				}
				p.i += 2
			default:
				return nil, p.errHere()
			}
		}
		if p.i == first {
			return nil, p.errHere()
		}
	}
	return u, p.expectEnd()
}

// skipAtomic returns the index of the END that closes the BEGIN ATOMIC
// whose ATOMIC is toks[i] (the last token when it is missing): the body's
// statements end in ';' that do not end the CREATE statement. CASE ...
// END nests, as in psql's own scan of such bodies.
func skipAtomic(toks []token, i int) int {
	depth := 1
	for j := i + 1; j < len(toks); j++ {
		switch {
		case toks[j].is("case") || (toks[j].is("begin") && j+1 < len(toks) && toks[j+1].is("atomic")):
			depth++
		case toks[j].is("end"):
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return len(toks) - 1
}
