package parser

import (
	"strings"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// Utility statement nodes. They are plain data: the server and executor
// switch on their type.

// TxnModes are the transaction modes of BEGIN, START TRANSACTION and SET
// TRANSACTION.
type TxnModes struct {
	// Isolation is "", "read uncommitted", "read committed",
	// "repeatable read" or "serializable".
	Isolation  string
	ReadOnly   *bool
	Deferrable *bool
}

// Set is SET [SESSION|LOCAL] name {TO|=} value[, ...] | DEFAULT, and the
// special forms SET TIME ZONE, SET NAMES, SET SCHEMA, SET SESSION
// AUTHORIZATION (Name "session_authorization").
type Set struct {
	Name    string
	Value   []string
	Default bool
	Local   bool
}

// SetTransaction is SET [SESSION CHARACTERISTICS AS] TRANSACTION modes.
type SetTransaction struct {
	Session bool
	Modes   TxnModes
}

// Reset is RESET name | RESET ALL.
type Reset struct {
	Name string
	All  bool
}

// Show is SHOW name | SHOW ALL.
type Show struct {
	Name string
	All  bool
}

// Begin is BEGIN [WORK|TRANSACTION] [modes] and START TRANSACTION [modes].
type Begin struct{ Modes TxnModes }

// Commit is COMMIT / END [AND [NO] CHAIN].
type Commit struct{ Chain bool }

// Rollback is ROLLBACK / ABORT [AND [NO] CHAIN].
type Rollback struct{ Chain bool }

// RollbackTo is ROLLBACK TO [SAVEPOINT] name.
type RollbackTo struct{ Name string }

// Savepoint is SAVEPOINT name.
type Savepoint struct{ Name string }

// Release is RELEASE [SAVEPOINT] name.
type Release struct{ Name string }

// CopyOption is one COPY option; Value holds lists as "a,b" for
// FORCE_QUOTE/FORCE_NOT_NULL/FORCE_NULL and "*" for FORCE_QUOTE *.
type CopyOption struct {
	Name     string
	Value    string
	HasValue bool
	// Pos is the 1-based character position of the option's first word
	// within the COPY statement's Text: PostgreSQL reports unknown
	// options, unknown formats and "conflicting or redundant options"
	// there.
	Pos int
}

// Copy is COPY table [(cols)] FROM|TO STDIN|STDOUT|'file' [WITH] options,
// or COPY (query) TO ...
type Copy struct {
	Table   string
	Schema  string
	Columns []string
	Query   *Statement
	From    bool
	Stdio   bool
	File    string // the file name, or with Program the shell command
	Program bool   // COPY ... FROM|TO PROGRAM 'command'
	Options []CopyOption
	// Where is the raw text of COPY FROM's WHERE condition, if any.
	Where string
}

// Discard is DISCARD ALL|PLANS|SEQUENCES|TEMP.
type Discard struct{ What string }

// Deallocate is DEALLOCATE [PREPARE] name | ALL.
type Deallocate struct {
	Name string
	All  bool
}

// Prepare is PREPARE name [(types)] AS statement.
type Prepare struct {
	Name       string
	ParamTypes []string
	Stmt       *Statement
}

// Execute is EXECUTE name [(params)]; Params are raw expression texts.
type Execute struct {
	Name   string
	Params []string
}

// Listen is LISTEN channel.
type Listen struct{ Channel string }

// Unlisten is UNLISTEN channel | *.
type Unlisten struct {
	Channel string
	All     bool
}

// Notify is NOTIFY channel [, 'payload'].
type Notify struct {
	Channel string
	Payload string
}

// ExplainOption is one option of EXPLAIN (opt [value], ...).
type ExplainOption struct {
	Name  string
	Value string
}

// Explain is EXPLAIN [ANALYZE] [VERBOSE] stmt or EXPLAIN (options) stmt.
type Explain struct {
	Options []ExplainOption
	Analyze bool
	Verbose bool
	Stmt    *Statement
}

// Vacuum is VACUUM [(options)] [FULL] [FREEZE] [VERBOSE] [ANALYZE] [tables].
type Vacuum struct {
	Tables  []string
	Options []string
	Analyze bool
}

// Analyze is ANALYZE [VERBOSE] [tables].
type Analyze struct{ Tables []string }

// Truncate is TRUNCATE [TABLE] [ONLY] t[, ...] [RESTART|CONTINUE IDENTITY]
// [CASCADE|RESTRICT].
type Truncate struct {
	Tables          []string
	RestartIdentity bool
	Cascade         bool
}

// CreateExtension is CREATE EXTENSION [IF NOT EXISTS] name ...
type CreateExtension struct {
	Name        string
	IfNotExists bool
}

// CommentOn is COMMENT ON objtype name IS 'text' | NULL.
type CommentOn struct {
	ObjType string
	Name    string
	Comment string
	IsNull  bool
}

// Checkpoint is CHECKPOINT.
type Checkpoint struct{}

func (*Set) utility()             {}
func (*SetTransaction) utility()  {}
func (*Reset) utility()           {}
func (*Show) utility()            {}
func (*Begin) utility()           {}
func (*Commit) utility()          {}
func (*Rollback) utility()        {}
func (*RollbackTo) utility()      {}
func (*Savepoint) utility()       {}
func (*Release) utility()         {}
func (*Copy) utility()            {}
func (*Discard) utility()         {}
func (*Deallocate) utility()      {}
func (*Prepare) utility()         {}
func (*Execute) utility()         {}
func (*Listen) utility()          {}
func (*Unlisten) utility()        {}
func (*Notify) utility()          {}
func (*Explain) utility()         {}
func (*Vacuum) utility()          {}
func (*Analyze) utility()         {}
func (*Truncate) utility()        {}
func (*CreateExtension) utility() {}
func (*CommentOn) utility()       {}
func (*Checkpoint) utility()      {}

// utilityWords are the first words that select the utility parser.
var utilityWords = map[string]bool{
	"set": true, "reset": true, "show": true, "begin": true, "start": true,
	"commit": true, "end": true, "rollback": true, "abort": true,
	"savepoint": true, "release": true, "copy": true, "vacuum": true,
	"analyze": true, "analyse": true, "truncate": true, "discard": true,
	"deallocate": true, "prepare": true, "execute": true, "listen": true,
	"unlisten": true, "notify": true, "explain": true, "comment": true,
	"checkpoint": true, "declare": true, "fetch": true, "move": true, "close": true,
}

func isUtility(toks []token) bool {
	t := &toks[0]
	if t.kind != tkIdent {
		return false
	}
	if isAlterDDL(toks) || isIndexDDL(toks) || isSequenceDDL(toks) || isMatviewDDL(toks) || isViewDDL(toks) || isCTAS(toks) || isSchemaDDL(toks) || isTypeDDL(toks) || isFunctionDDL(toks) {
		return true
	}
	if t.val == "create" {
		return len(toks) > 1 && toks[1].is("extension")
	}
	return utilityWords[t.val]
}

// uparser is a cursor over a utility statement's tokens.
type uparser struct {
	src  string
	toks []token
	i    int
	term *token
}

func (p *uparser) peek() *token { return p.at(p.i) }

func (p *uparser) at(i int) *token {
	if i < len(p.toks) {
		return &p.toks[i]
	}
	if p.term != nil {
		return p.term
	}
	return &token{kind: tkEOF, pos: len(p.src), end: len(p.src)}
}

func (p *uparser) done() bool { return p.i >= len(p.toks) }

// accept consumes the word w if it is next.
func (p *uparser) accept(w string) bool {
	if p.peek().is(w) {
		p.i++
		return true
	}
	return false
}

func (p *uparser) acceptSelf(c byte) bool {
	if p.i < len(p.toks) && p.toks[p.i].isSelf(c) {
		p.i++
		return true
	}
	return false
}

func (p *uparser) errHere() *pgerror.Error {
	t := p.peek()
	if t.kind == tkEOF {
		return syntaxErrorAt(p.src, t)
	}
	return syntaxErrorAt(p.src, t)
}

func (p *uparser) expect(w string) error {
	if !p.accept(w) {
		return p.errHere()
	}
	return nil
}

func (p *uparser) expectEnd() error {
	if !p.done() {
		return p.errHere()
	}
	return nil
}

// name reads an identifier (quoted or not, keywords allowed as PostgreSQL's
// ColId mostly allows them).
func (p *uparser) name() (string, error) {
	t := p.peek()
	if p.i < len(p.toks) && (t.kind == tkIdent || t.kind == tkQIdent) {
		p.i++
		return t.val, nil
	}
	return "", p.errHere()
}

// toName reads TO name (RENAME TO, OWNER TO, ... RENAME CONSTRAINT c TO).
func (p *uparser) toName() (string, error) {
	if err := p.expect("to"); err != nil {
		return "", err
	}
	return p.name()
}

// qualifiedName reads a[.b[.c]] and returns the parts joined with '.'.
func (p *uparser) qualifiedName() (string, error) {
	n, err := p.name()
	if err != nil {
		return "", err
	}
	for p.peek().isSelf('.') {
		p.i++
		m, err := p.name()
		if err != nil {
			return "", err
		}
		n += "." + m
	}
	return n, nil
}

func notSupported(what string) *pgerror.Error {
	return pgerror.New(pgerror.FeatureNotSupported, "%s is not supported", what)
}

func parseUtility(src string, toks []token, term *token) (Utility, error) {
	p := &uparser{src: src, toks: toks, term: term}
	if isAlterDDL(toks) {
		return p.alterDDL()
	}
	if isSequenceDDL(toks) {
		return p.sequenceDDL()
	}
	if isMatviewDDL(toks) {
		return p.matviewDDL()
	}
	if isViewDDL(toks) {
		return p.viewDDL()
	}
	if isCTAS(toks) {
		return p.createTableAs()
	}
	if isSchemaDDL(toks) {
		return p.schemaDDL()
	}
	if isFunctionDDL(toks) {
		return p.functionDDL()
	}
	if isTypeDDL(toks) {
		return p.typeDDL()
	}
	w := toks[0].val
	p.i = 1
	switch w {
	case "set":
		return p.set()
	case "reset":
		return p.reset()
	case "show":
		return p.show()
	case "begin":
		p.accept("work")
		p.accept("transaction")
		m, err := p.txnModes()
		if err != nil {
			return nil, err
		}
		return &Begin{Modes: m}, p.expectEnd()
	case "start":
		if err := p.expect("transaction"); err != nil {
			return nil, err
		}
		m, err := p.txnModes()
		if err != nil {
			return nil, err
		}
		return &Begin{Modes: m}, p.expectEnd()
	case "commit", "end":
		if w == "commit" && p.peek().is("prepared") {
			return nil, notSupported("COMMIT PREPARED")
		}
		p.accept("work")
		p.accept("transaction")
		chain, err := p.chain()
		if err != nil {
			return nil, err
		}
		return &Commit{Chain: chain}, p.expectEnd()
	case "rollback", "abort":
		if w == "rollback" && p.peek().is("prepared") {
			return nil, notSupported("ROLLBACK PREPARED")
		}
		p.accept("work")
		p.accept("transaction")
		if w == "rollback" && p.accept("to") {
			p.accept("savepoint")
			n, err := p.name()
			if err != nil {
				return nil, err
			}
			return &RollbackTo{Name: n}, p.expectEnd()
		}
		chain, err := p.chain()
		if err != nil {
			return nil, err
		}
		return &Rollback{Chain: chain}, p.expectEnd()
	case "savepoint":
		n, err := p.name()
		if err != nil {
			return nil, err
		}
		return &Savepoint{Name: n}, p.expectEnd()
	case "release":
		p.accept("savepoint")
		n, err := p.name()
		if err != nil {
			return nil, err
		}
		return &Release{Name: n}, p.expectEnd()
	case "copy":
		return p.copyStmt()
	case "vacuum":
		return p.vacuum()
	case "analyze", "analyse":
		p.accept("verbose")
		tables, err := p.tableList()
		if err != nil {
			return nil, err
		}
		return &Analyze{Tables: tables}, p.expectEnd()
	case "truncate":
		return p.truncate()
	case "discard":
		t := p.peek()
		if t.is("all") || t.is("plans") || t.is("sequences") || t.is("temp") || t.is("temporary") {
			p.i++
			what := t.val
			if what == "temporary" {
				what = "temp"
			}
			return &Discard{What: what}, p.expectEnd()
		}
		return nil, p.errHere()
	case "deallocate":
		p.accept("prepare")
		if p.accept("all") {
			return &Deallocate{All: true}, p.expectEnd()
		}
		n, err := p.name()
		if err != nil {
			return nil, err
		}
		return &Deallocate{Name: n}, p.expectEnd()
	case "prepare":
		return p.prepare()
	case "execute":
		return p.execute()
	case "listen":
		n, err := p.name()
		if err != nil {
			return nil, err
		}
		return &Listen{Channel: n}, p.expectEnd()
	case "unlisten":
		if p.i < len(p.toks) && p.peek().isSelf('*') {
			p.i++
			return &Unlisten{All: true}, p.expectEnd()
		}
		n, err := p.name()
		if err != nil {
			return nil, err
		}
		return &Unlisten{Channel: n}, p.expectEnd()
	case "notify":
		n, err := p.name()
		if err != nil {
			return nil, err
		}
		u := &Notify{Channel: n}
		if p.acceptSelf(',') {
			t := p.peek()
			if p.i >= len(p.toks) || t.kind != tkString {
				return nil, p.errHere()
			}
			u.Payload = t.val
			p.i++
		}
		return u, p.expectEnd()
	case "explain":
		return p.explain()
	case "declare":
		return p.declareCursor()
	case "fetch", "move":
		return p.fetch(toks[0].val == "move")
	case "close":
		return p.closeCursor()
	case "comment":
		return p.comment()
	case "checkpoint":
		return &Checkpoint{}, p.expectEnd()
	case "drop":
		return p.dropIndex()
	case "create":
		if !toks[1].is("extension") {
			return p.createIndex()
		}
		p.i = 2 // CREATE EXTENSION
		u := &CreateExtension{}
		var err error
		if u.IfNotExists, err = p.ifNotExists(); err != nil {
			return nil, err
		}
		n, err := p.name()
		if err != nil {
			return nil, err
		}
		u.Name = n
		// WITH SCHEMA s / VERSION v / CASCADE are accepted and ignored.
		return u, nil
	}
	return nil, syntaxErrorAt(src, &toks[0])
}

// chain parses [AND [NO] CHAIN].
func (p *uparser) chain() (bool, error) {
	if !p.accept("and") {
		return false, nil
	}
	no := p.accept("no")
	if err := p.expect("chain"); err != nil {
		return false, err
	}
	return !no, nil
}

func boolPtr(b bool) *bool { return &b }

// txnModes parses transaction modes separated by optional commas.
func (p *uparser) txnModes() (TxnModes, error) {
	var m TxnModes
	for !p.done() {
		switch {
		case p.accept("isolation"):
			if err := p.expect("level"); err != nil {
				return m, err
			}
			switch {
			case p.accept("serializable"):
				m.Isolation = "serializable"
			case p.accept("repeatable"):
				if err := p.expect("read"); err != nil {
					return m, err
				}
				m.Isolation = "repeatable read"
			case p.accept("read"):
				switch {
				case p.accept("committed"):
					m.Isolation = "read committed"
				case p.accept("uncommitted"):
					m.Isolation = "read uncommitted"
				default:
					return m, p.errHere()
				}
			default:
				return m, p.errHere()
			}
		case p.accept("read"):
			switch {
			case p.accept("only"):
				m.ReadOnly = boolPtr(true)
			case p.accept("write"):
				m.ReadOnly = boolPtr(false)
			default:
				return m, p.errHere()
			}
		case p.accept("deferrable"):
			m.Deferrable = boolPtr(true)
		case p.accept("not"):
			if err := p.expect("deferrable"); err != nil {
				return m, err
			}
			m.Deferrable = boolPtr(false)
		default:
			return m, p.errHere()
		}
		if !p.acceptSelf(',') {
			continue
		}
		if p.done() {
			return m, p.errHere()
		}
	}
	return m, nil
}

// settingName reads a (possibly qualified) configuration parameter name.
func (p *uparser) settingName() (string, error) {
	return p.qualifiedName()
}

func (p *uparser) set() (Utility, error) {
	local := false
	if p.accept("local") {
		local = true
	} else if p.peek().is("session") && !p.at(p.i+1).is("authorization") && !p.at(p.i+1).is("characteristics") {
		p.i++
	}
	t := p.peek()
	switch {
	case t.is("transaction") && !p.at(p.i+1).is("to") && !p.at(p.i+1).isSelf('='):
		p.i++
		if p.accept("snapshot") {
			return nil, notSupported("SET TRANSACTION SNAPSHOT")
		}
		m, err := p.txnModes()
		if err != nil {
			return nil, err
		}
		return &SetTransaction{Modes: m}, nil
	case t.is("session") && p.at(p.i+1).is("characteristics"):
		p.i += 2
		if err := p.expect("as"); err != nil {
			return nil, err
		}
		if err := p.expect("transaction"); err != nil {
			return nil, err
		}
		m, err := p.txnModes()
		if err != nil {
			return nil, err
		}
		return &SetTransaction{Session: true, Modes: m}, nil
	case t.is("session") && p.at(p.i+1).is("authorization"):
		p.i += 2
		s := &Set{Name: "session_authorization", Local: local}
		if p.accept("default") {
			s.Default = true
			return s, p.expectEnd()
		}
		v, err := p.setValue()
		if err != nil {
			return nil, err
		}
		s.Value = []string{v}
		return s, p.expectEnd()
	case t.is("time") && p.at(p.i+1).is("zone"):
		p.i += 2
		s := &Set{Name: "timezone", Local: local}
		switch {
		case p.accept("default"), p.accept("local"):
			s.Default = true
			return s, p.expectEnd()
		case p.peek().is("interval"):
			// SET TIME ZONE INTERVAL '+02:00' HOUR TO MINUTE
			p.i++
			if p.peek().kind != tkString {
				return nil, p.errHere()
			}
			v := p.peek().val
			p.i++
			var b strings.Builder
			p.i = intervalFieldsAt(p.toks, p.i, &b)
			s.Value = []string{v}
			return s, p.expectEnd()
		}
		v, err := p.setValue()
		if err != nil {
			return nil, err
		}
		s.Value = []string{v}
		return s, p.expectEnd()
	case t.is("names"):
		p.i++
		s := &Set{Name: "client_encoding", Local: local}
		if p.done() || p.accept("default") {
			s.Default = true
			return s, p.expectEnd()
		}
		v, err := p.setValue()
		if err != nil {
			return nil, err
		}
		s.Value = []string{v}
		return s, p.expectEnd()
	case t.is("schema") && p.at(p.i+1).kind == tkString:
		p.i++
		v, _ := p.setValue()
		return &Set{Name: "search_path", Value: []string{v}, Local: local}, p.expectEnd()
	case t.is("role"):
		p.i++
		s := &Set{Name: "role", Local: local}
		v, err := p.setValue()
		if err != nil {
			return nil, err
		}
		s.Value = []string{v}
		return s, p.expectEnd()
	case t.is("constraints"):
		return nil, notSupported("SET CONSTRAINTS")
	}
	name, err := p.settingName()
	if err != nil {
		return nil, err
	}
	s := &Set{Name: name, Local: local}
	if !p.accept("to") && !p.acceptSelf('=') {
		return nil, p.errHere()
	}
	if p.accept("default") {
		s.Default = true
		return s, p.expectEnd()
	}
	for {
		v, err := p.setValue()
		if err != nil {
			return nil, err
		}
		s.Value = append(s.Value, v)
		if !p.acceptSelf(',') {
			break
		}
	}
	return s, p.expectEnd()
}

// setValue reads one SET value: an identifier or keyword (lower case), a
// string (unquoted) or a signed number (as written).
func (p *uparser) setValue() (string, error) {
	t := p.peek()
	if p.i >= len(p.toks) {
		return "", p.errHere()
	}
	switch t.kind {
	case tkIdent, tkQIdent, tkString:
		p.i++
		return t.val, nil
	case tkNumber:
		p.i++
		return t.val, nil
	case tkSelf:
		if (t.val == "-" || t.val == "+") && p.at(p.i+1).kind == tkNumber && p.i+1 < len(p.toks) {
			p.i += 2
			return t.val + p.toks[p.i-1].val, nil
		}
	}
	return "", p.errHere()
}

func (p *uparser) reset() (Utility, error) {
	if p.accept("all") {
		return &Reset{All: true}, p.expectEnd()
	}
	n, err := p.showResetName()
	if err != nil {
		return nil, err
	}
	return &Reset{Name: n}, p.expectEnd()
}

func (p *uparser) show() (Utility, error) {
	if p.accept("all") {
		return &Show{All: true}, p.expectEnd()
	}
	n, err := p.showResetName()
	if err != nil {
		return nil, err
	}
	return &Show{Name: n}, p.expectEnd()
}

// showResetName reads the parameter of SHOW or RESET: a setting name, or
// one of the SQL-standard spellings TIME ZONE, SESSION AUTHORIZATION and
// TRANSACTION ISOLATION LEVEL.
func (p *uparser) showResetName() (string, error) {
	switch {
	case p.peek().is("time") && p.at(p.i+1).is("zone"):
		p.i += 2
		return "timezone", nil
	case p.peek().is("session") && p.at(p.i+1).is("authorization"):
		p.i += 2
		return "session_authorization", nil
	case p.peek().is("transaction") && p.at(p.i+1).is("isolation"):
		p.i += 2
		if err := p.expect("level"); err != nil {
			return "", err
		}
		return "transaction_isolation", nil
	}
	return p.settingName()
}

// tableList reads an optional comma-separated list of qualified names,
// each optionally followed by a column list (which is skipped).
func (p *uparser) tableList() ([]string, error) {
	var out []string
	for !p.done() {
		p.accept("only")
		n, err := p.qualifiedName()
		if err != nil {
			return nil, err
		}
		if p.peek().isSelf('*') {
			p.i++
		}
		if p.acceptSelf('(') {
			for !p.acceptSelf(')') {
				if p.done() {
					return nil, p.errHere()
				}
				p.i++
			}
		}
		out = append(out, n)
		if !p.acceptSelf(',') {
			break
		}
	}
	return out, nil
}

func (p *uparser) vacuum() (Utility, error) {
	v := &Vacuum{}
	if p.acceptSelf('(') {
		for {
			n, err := p.name()
			if err != nil {
				return nil, err
			}
			opt := n
			if t := p.peek(); p.i < len(p.toks) && !t.isSelf(',') && !t.isSelf(')') {
				opt += " " + t.val
				p.i++
			}
			if n == "analyze" || n == "analyse" {
				v.Analyze = true
			}
			v.Options = append(v.Options, opt)
			if p.acceptSelf(')') {
				break
			}
			if !p.acceptSelf(',') {
				return nil, p.errHere()
			}
		}
	} else {
		for {
			t := p.peek()
			if t.is("full") || t.is("freeze") || t.is("verbose") || t.is("analyze") || t.is("analyse") {
				p.i++
				if t.val == "analyze" || t.val == "analyse" {
					v.Analyze = true
					v.Options = append(v.Options, "analyze")
				} else {
					v.Options = append(v.Options, t.val)
				}
				continue
			}
			break
		}
	}
	tables, err := p.tableList()
	if err != nil {
		return nil, err
	}
	v.Tables = tables
	return v, p.expectEnd()
}

func (p *uparser) truncate() (Utility, error) {
	p.accept("table")
	u := &Truncate{}
	for {
		p.accept("only")
		n, err := p.qualifiedName()
		if err != nil {
			return nil, err
		}
		if p.peek().isSelf('*') {
			p.i++
		}
		u.Tables = append(u.Tables, n)
		if !p.acceptSelf(',') {
			break
		}
	}
	for !p.done() {
		switch {
		case p.accept("restart"):
			if err := p.expect("identity"); err != nil {
				return nil, err
			}
			u.RestartIdentity = true
		case p.accept("continue"):
			if err := p.expect("identity"); err != nil {
				return nil, err
			}
			u.RestartIdentity = false
		case p.accept("cascade"):
			u.Cascade = true
		case p.accept("restrict"):
			u.Cascade = false
		default:
			return nil, p.errHere()
		}
	}
	return u, nil
}

// subStatement parses the rest of the statement (from token p.i) as a
// statement of its own, with positions kept relative to the full string.
func (p *uparser) subStatement() (*Statement, error) {
	if p.done() {
		return nil, p.errHere()
	}
	st, err := parseStatement(p.src, p.toks[p.i:], p.term)
	p.i = len(p.toks)
	return st, err
}

func (p *uparser) explain() (Utility, error) {
	e := &Explain{}
	if p.peek().isSelf('(') {
		p.i++
		for {
			n, err := p.name()
			if err != nil {
				return nil, err
			}
			opt := ExplainOption{Name: n}
			if t := p.peek(); p.i < len(p.toks) && !t.isSelf(',') && !t.isSelf(')') {
				opt.Value = t.val
				p.i++
			}
			on := opt.Value == "" || opt.Value == "true" || opt.Value == "on" || opt.Value == "1"
			switch n {
			case "analyze", "analyse":
				e.Analyze = on
			case "verbose":
				e.Verbose = on
			}
			e.Options = append(e.Options, opt)
			if p.acceptSelf(')') {
				break
			}
			if !p.acceptSelf(',') {
				return nil, p.errHere()
			}
		}
	} else {
		if p.accept("analyze") || p.accept("analyse") {
			e.Analyze = true
			e.Options = append(e.Options, ExplainOption{Name: "analyze"})
		}
		if p.accept("verbose") {
			e.Verbose = true
			e.Options = append(e.Options, ExplainOption{Name: "verbose"})
		}
	}
	st, err := p.subStatement()
	if err != nil {
		return nil, err
	}
	e.Stmt = st
	return e, nil
}

func (p *uparser) prepare() (Utility, error) {
	if p.peek().is("transaction") {
		return nil, notSupported("PREPARE TRANSACTION")
	}
	n, err := p.name()
	if err != nil {
		return nil, err
	}
	u := &Prepare{Name: n}
	if p.acceptSelf('(') {
		for {
			typ, j, ok := parseTypeName(p.toks, p.i)
			if !ok || j > len(p.toks) {
				p.i = j
				return nil, p.errHere()
			}
			p.i = j
			u.ParamTypes = append(u.ParamTypes, typ)
			if p.acceptSelf(')') {
				break
			}
			if !p.acceptSelf(',') {
				return nil, p.errHere()
			}
		}
	}
	if err := p.expect("as"); err != nil {
		return nil, err
	}
	st, err := p.subStatement()
	if err != nil {
		return nil, err
	}
	u.Stmt = st
	return u, nil
}

func (p *uparser) execute() (Utility, error) {
	n, err := p.name()
	if err != nil {
		return nil, err
	}
	u := &Execute{Name: n}
	if p.acceptSelf('(') {
		depth := 0
		start := p.i
		for ; ; p.i++ {
			if p.done() {
				return nil, p.errHere()
			}
			t := &p.toks[p.i]
			if t.isSelf('(') || t.isSelf('[') {
				depth++
			} else if t.isSelf(']') {
				depth--
			} else if t.isSelf(')') {
				if depth == 0 {
					if p.i == start {
						return nil, p.errHere()
					}
					u.Params = append(u.Params, p.src[p.toks[start].pos:p.toks[p.i-1].end])
					p.i++
					break
				}
				depth--
			} else if t.isSelf(',') && depth == 0 {
				if p.i == start {
					return nil, p.errHere()
				}
				u.Params = append(u.Params, p.src[p.toks[start].pos:p.toks[p.i-1].end])
				start = p.i + 1
			}
		}
	}
	return u, p.expectEnd()
}

// commentObjTypes are the object kinds COMMENT ON accepts here (multi-word
// kinds are written with spaces).
var commentObjTypes = []string{
	"table", "column", "index", "sequence", "view", "materialized view", "schema",
	"database", "function", "type", "constraint", "extension", "role", "trigger",
	"foreign table", "domain", "procedure", "aggregate", "collation", "operator",
}

func (p *uparser) comment() (Utility, error) {
	if err := p.expect("on"); err != nil {
		return nil, err
	}
	u := &CommentOn{}
	for _, k := range commentObjTypes {
		words := strings.Fields(k)
		ok := true
		for j, w := range words {
			if !p.at(p.i + j).is(w) {
				ok = false
				break
			}
		}
		if ok {
			u.ObjType = k
			p.i += len(words)
			break
		}
	}
	if u.ObjType == "" {
		return nil, p.errHere()
	}
	// The name runs up to IS (it may include ON table or an argument list).
	start := p.i
	for !p.done() && !p.peek().is("is") {
		p.i++
	}
	if p.i == start {
		return nil, p.errHere()
	}
	var nb strings.Builder
	for j := start; j < p.i; j++ {
		t := &p.toks[j]
		if j > start && !t.isSelf('.') && !p.toks[j-1].isSelf('.') && !t.isSelf('(') && !t.isSelf(')') && !t.isSelf(',') {
			nb.WriteByte(' ')
		}
		nb.WriteString(t.val)
	}
	u.Name = nb.String()
	if err := p.expect("is"); err != nil {
		return nil, err
	}
	switch t := p.peek(); {
	case t.is("null"):
		p.i++
		u.IsNull = true
	case p.i < len(p.toks) && t.kind == tkString:
		p.i++
		u.Comment = t.val
	default:
		return nil, p.errHere()
	}
	return u, p.expectEnd()
}
