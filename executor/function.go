package executor

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/executor/pgcatalog"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
	"github.com/neuroquantumdb/nqdb/storage"
	"github.com/neuroquantumdb/nqdb/storage/lock"
)

// User-defined functions and procedures (CREATE FUNCTION / PROCEDURE,
// DROP, ALTER ... RENAME, CALL). Each routine is a catalog-tree record of
// its own (funcKey: 0xfe "fun" + OID, JSON), written in the transaction,
// kept in the session's pendingFuncs until commit and then published to
// the engine's table, as COMMENT ON's descriptions are (comment.go). The
// planner sees them through planner.FunctionCatalog (UserFunctions); the
// body is stored as text, checked at CREATE when check_function_bodies is
// on, and planned where it is called (planner/udf.go).

// funcRecord is a routine's catalog record, with pg_proc's facts.
type funcRecord struct {
	OID    uint32 `json:"oid"`
	Schema string `json:"schema"`
	Name   string `json:"name"`
	// Kind is pg_proc.prokind: "f" or "p".
	Kind string `json:"kind"`
	// Params are all parameters in order (OUT and TABLE ones included),
	// with their modes ("i", "o", "b", "v", "t" as proargmodes).
	Params []funcParamRecord `json:"params,omitempty"`
	Ret    uint32            `json:"ret"`
	RetSet bool              `json:"retset,omitempty"`
	Strict bool              `json:"strict,omitempty"`
	// Volatility is "i", "s" or "v"; Parallel "s", "r" or "u".
	Volatility string  `json:"volatility"`
	Parallel   string  `json:"parallel"`
	Language   string  `json:"language"`
	Security   bool    `json:"security_definer,omitempty"`
	Leakproof  bool    `json:"leakproof,omitempty"`
	Cost       float64 `json:"cost"`
	Rows       float64 `json:"rows"`
	// Src is prosrc: the AS body as written (or the SQL-standard body).
	Src string `json:"src"`
	// SQLBody marks a SQL-standard body (RETURN / BEGIN ATOMIC).
	SQLBody bool `json:"sql_body,omitempty"`
	// Exec is the SQL the function runs (Src, or what a PL/pgSQL body
	// of the supported subset amounts to).
	Exec string `json:"exec"`
}

// funcParamRecord is one parameter of a routine.
type funcParamRecord struct {
	Name    string `json:"name,omitempty"`
	Mode    string `json:"mode"`
	Type    uint32 `json:"type"`
	Default string `json:"default,omitempty"`
}

// funcDef is a routine: its record and how the planner sees it.
type funcDef struct {
	rec funcRecord
	uf  *planner.UserFunc
}

func funcKey(oid uint32) []byte {
	return binary.BigEndian.AppendUint32([]byte{0xfe, 'f', 'u', 'n'}, oid)
}

// engineFuncs holds the committed routines.
type engineFuncs struct {
	mu    sync.RWMutex
	byOID map[uint32]*funcDef
	// byName indexes byOID by routine name.
	byName map[string][]*funcDef
}

// reindex rebuilds byName (the lock held).
func (ef *engineFuncs) reindex() {
	ef.byName = make(map[string][]*funcDef, len(ef.byOID))
	for _, fd := range ef.byOID {
		ef.byName[fd.rec.Name] = append(ef.byName[fd.rec.Name], fd)
	}
}

// loadFuncs reads the routines at start-up.
func (e *Engine) loadFuncs() error {
	ef := engineFuncsOf(e)
	ef.byOID = map[uint32]*funcDef{}
	txn := e.store.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	it, err := txn.Scan(context.Background(), storage.CatalogTree, []byte{0xfe, 'f', 'u', 'n'}, []byte{0xfe, 'f', 'u', 'o'})
	if err != nil {
		return err
	}
	defer it.Close()
	for it.Next() {
		var r funcRecord
		if err := json.Unmarshal(it.Value(), &r); err != nil {
			return fmt.Errorf("catalog: function %x: %w", it.Key(), err)
		}
		fd, err := newFuncDef(r, e.committedType)
		if err != nil {
			return err
		}
		ef.byOID[r.OID] = fd
		if r.OID >= e.catalog.nextOID.Load() {
			e.catalog.nextOID.Store(r.OID + 1)
		}
	}
	ef.reindex()
	return it.Err()
}

// engineFuncsOf returns the engine's routine table.
func engineFuncsOf(e *Engine) *engineFuncs { return &e.funcs }

// committedType resolves a type OID among the built-in and the committed
// catalog-defined types (at start-up, before any session).
func (e *Engine) committedType(oid uint32) *types.T {
	if t := types.ByOID(types.OID(oid)); t != nil {
		return t
	}
	for _, d := range e.catalog.all() {
		if d.typ == nil || d.typ.t == nil {
			continue
		}
		if d.oid == oid {
			return d.typ.t
		}
		if d.typ.ArrayOID == oid {
			return d.typ.t.Array
		}
	}
	return nil
}

// sessionType resolves a type OID as the session sees the types.
func (s *Session) sessionType(oid uint32) *types.T {
	if t := types.ByOID(types.OID(oid)); t != nil {
		return t
	}
	if d := s.typeDefByOID(oid); d != nil && d.typ.t != nil {
		if d.typ.ArrayOID == oid {
			return d.typ.t.Array
		}
		return d.typ.t
	}
	return nil
}

// newFuncDef derives the planner's view of a record; resolve finds the
// types by OID.
func newFuncDef(r funcRecord, resolve func(uint32) *types.T) (*funcDef, error) {
	typ := func(oid uint32) (*types.T, error) {
		t := resolve(oid)
		if t == nil {
			return nil, fmt.Errorf("catalog: function %s has unknown type %d", r.Name, oid)
		}
		return t, nil
	}
	uf := &planner.UserFunc{OID: r.OID, Schema: r.Schema, Name: r.Name, Kind: r.Kind[0], RetSet: r.RetSet, Strict: r.Strict, Body: r.Exec}
	var err error
	if uf.Ret, err = typ(r.Ret); err != nil {
		return nil, err
	}
	switch r.Volatility {
	case "i":
		uf.Volatility = planner.Immutable
	case "s":
		uf.Volatility = planner.Stable
	default:
		uf.Volatility = planner.Volatile
	}
	for _, p := range r.Params {
		if p.Mode == "o" || p.Mode == "t" {
			continue
		}
		t, err := typ(p.Type)
		if err != nil {
			return nil, err
		}
		uf.Args = append(uf.Args, t)
		uf.ArgNames = append(uf.ArgNames, p.Name)
		uf.Defaults = append(uf.Defaults, p.Default)
	}
	return &funcDef{rec: r, uf: uf}, nil
}

// allFuncs is every routine the session sees, by OID.
func (s *Session) allFuncs() map[uint32]*funcDef {
	ef := engineFuncsOf(s.engine)
	ef.mu.RLock()
	out := make(map[uint32]*funcDef, len(ef.byOID)+len(s.pendingFuncs))
	for oid, fd := range ef.byOID {
		out[oid] = fd
	}
	ef.mu.RUnlock()
	for oid, fd := range s.pendingFuncs {
		if fd == nil {
			delete(out, oid)
		} else {
			out[oid] = fd
		}
	}
	return out
}

// hasFuncs reports cheaply whether the session sees any routine.
func (s *Session) hasFuncs() bool {
	if len(s.pendingFuncs) > 0 {
		return true
	}
	ef := engineFuncsOf(s.engine)
	ef.mu.RLock()
	defer ef.mu.RUnlock()
	return len(ef.byOID) > 0
}

// funcsNamed lists the routines called name in schema ("" = the search
// path's schemas, nearest first).
func (s *Session) funcsNamed(schema, name string) []*funcDef {
	if !s.hasFuncs() {
		return nil
	}
	var schemas []string
	if schema != "" {
		schemas = []string{s.schemaAlias(schema)}
	} else {
		schemas = s.searchPath(true)
	}
	// Binding looks up every function call's name here: read the
	// engine's name index in place rather than copying the table.
	var named []*funcDef
	ef := engineFuncsOf(s.engine)
	ef.mu.RLock()
	for _, fd := range ef.byName[name] {
		if _, changed := s.pendingFuncs[fd.rec.OID]; !changed {
			named = append(named, fd)
		}
	}
	ef.mu.RUnlock()
	for _, fd := range s.pendingFuncs {
		if fd != nil && fd.rec.Name == name {
			named = append(named, fd)
		}
	}
	if len(named) == 0 {
		return nil
	}
	var out []*funcDef
	for _, sch := range schemas {
		var here []*funcDef
		for _, fd := range named {
			if fd.rec.Schema == sch {
				here = append(here, fd)
			}
		}
		sort.Slice(here, func(i, j int) bool { return here[i].rec.OID < here[j].rec.OID })
		out = append(out, here...)
	}
	return out
}

var _ planner.FunctionCatalog = (*Session)(nil)

// UserFunctions implements planner.FunctionCatalog. A routine in an
// earlier schema of the path hides one with the same parameters later.
func (s *Session) UserFunctions(schema, name string) []*planner.UserFunc {
	fds := s.funcsNamed(schema, name)
	if len(fds) == 0 {
		return nil
	}
	out := make([]*planner.UserFunc, 0, len(fds))
	for _, fd := range fds {
		hidden := false
		for _, o := range out {
			hidden = hidden || sameTypes(o.Args, fd.uf.Args)
		}
		if !hidden {
			out = append(out, fd.uf)
		}
	}
	return out
}

func sameTypes(a, b []*types.T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].OID != b[i].OID {
			return false
		}
	}
	return true
}

// putFunc writes a routine's record in the transaction (fd nil drops oid).
func (s *Session) putFunc(oid uint32, fd *funcDef) error {
	tx := s.storageTxn()
	var err error
	if fd == nil {
		err = tx.Delete(storage.CatalogTree, funcKey(oid))
	} else {
		var b []byte
		if b, err = json.Marshal(fd.rec); err == nil {
			err = tx.Put(storage.CatalogTree, funcKey(oid), b)
		}
	}
	if err != nil {
		return storageError(err)
	}
	if s.pendingFuncs == nil {
		s.pendingFuncs = map[uint32]*funcDef{}
	}
	s.pendingFuncs[oid] = fd
	s.catEpoch++
	return nil
}

// publishFuncs applies a committed transaction's routines; cached plans
// that inlined or called them are re-planned (the catalog version moves).
func (s *Session) publishFuncs(commit bool) {
	if commit && len(s.pendingFuncs) > 0 {
		ef := engineFuncsOf(s.engine)
		ef.mu.Lock()
		if ef.byOID == nil {
			ef.byOID = map[uint32]*funcDef{}
		}
		for oid, fd := range s.pendingFuncs {
			if fd == nil {
				delete(ef.byOID, oid)
			} else {
				ef.byOID[oid] = fd
			}
		}
		ef.reindex()
		ef.mu.Unlock()
		s.engine.catalog.version.Add(1)
	}
	if len(s.pendingFuncs) > 0 {
		s.catEpoch++
	}
	s.pendingFuncs = nil
}

// routineWord is "function" or "procedure" for a kind.
func routineWord(kind string) string {
	if kind == "p" {
		return "procedure"
	}
	return "function"
}

// resolveRoutineType resolves a parameter or result type name through
// the session's type resolver (built-ins, enums, domains) as every other
// DDL does; void is accepted here.
func (s *Session) resolveRoutineType(name string) (*types.T, error) {
	switch name {
	case "void", "pg_catalog.void":
		return types.Void, nil
	}
	t, _, err := s.parseTypeName(name)
	return t, err
}

// modeCode is proargmodes' letter for a parser mode.
func modeCode(m string) string {
	switch m {
	case "out":
		return "o"
	case "inout":
		return "b"
	case "variadic":
		return "v"
	case "table":
		return "t"
	}
	return "i"
}

// plpgsqlReturn turns the PL/pgSQL subset nqdb runs, a block that only
// returns an expression (`BEGIN RETURN expr; END`), into the SQL it
// amounts to; ok is false for anything else.
func plpgsqlReturn(body string) (string, bool) {
	b := strings.TrimSpace(body)
	l := strings.ToLower(b)
	if !strings.HasPrefix(l, "begin") || len(b) < 8 || !isSpaceByte(b[5]) {
		return "", false
	}
	b, l = strings.TrimSpace(b[5:]), strings.TrimSpace(l[5:])
	b, l = strings.TrimSuffix(b, ";"), strings.TrimSuffix(l, ";")
	if !strings.HasSuffix(l, "end") {
		return "", false
	}
	b, l = strings.TrimSpace(b[:len(b)-3]), strings.TrimSpace(l[:len(l)-3])
	if !strings.HasPrefix(l, "return") || len(b) < 7 || !isSpaceByte(b[6]) {
		return "", false
	}
	expr := strings.TrimSuffix(strings.TrimSpace(b[6:]), ";")
	if expr == "" || strings.Contains(expr, ";") {
		return "", false
	}
	return "SELECT " + expr, true
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

// execCreateFunction runs CREATE [OR REPLACE] FUNCTION | PROCEDURE.
func (s *Session) execCreateFunction(ctx context.Context, n *parser.CreateFunction) (*Result, error) {
	kind := "f"
	if n.Procedure {
		kind = "p"
	}
	schema, name := splitQualified(n.Name)
	schema, err := s.creationSchema(ctx, schema, false)
	if err != nil {
		return nil, err
	}
	r := funcRecord{Schema: schema, Name: name, Kind: kind, Strict: n.Strict, Volatility: "v", Parallel: "u", Cost: 100}
	if n.Volatility != 0 {
		r.Volatility = string(n.Volatility)
	}
	if n.Parallel != "" {
		r.Parallel = n.Parallel[:1]
	}
	if n.Cost > 0 {
		r.Cost = n.Cost
	}
	r.Security, r.Leakproof = n.Security == "definer", n.Leakproof
	// Language and body.
	r.Language = n.Language
	switch {
	case n.SQLBody != "":
		if r.Language == "" {
			r.Language = "sql"
		}
		if r.Language != "sql" {
			return nil, pgerror.New(pgerror.InvalidFunctionDefinition, "inline SQL function body only valid for language SQL")
		}
		r.SQLBody, r.Src = true, n.SQLBody
		if n.Return {
			r.Exec = "SELECT " + n.SQLBody
		} else {
			inner := strings.TrimSpace(n.SQLBody)
			inner = strings.TrimSpace(inner[len("begin"):])
			inner = strings.TrimSpace(inner[len("atomic"):])
			r.Exec = strings.TrimSpace(inner[:len(inner)-len("end")])
		}
	case !n.HasBody:
		return nil, pgerror.New(pgerror.InvalidFunctionDefinition, "no function body specified")
	case r.Language == "":
		return nil, pgerror.New(pgerror.InvalidFunctionDefinition, "no language specified")
	default:
		r.Src, r.Exec = n.Body, n.Body
	}
	switch r.Language {
	case "sql":
	case "plpgsql":
		exec, ok := plpgsqlReturn(n.Body)
		if !ok {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "PL/pgSQL function bodies other than BEGIN RETURN expression; END are not supported yet")
		}
		r.Exec = exec
	case "internal", "c":
		return nil, pgerror.New(pgerror.FeatureNotSupported, "functions in language %s are not supported", r.Language)
	default:
		return nil, pgerror.New(pgerror.UndefinedObject, "language \"%s\" does not exist", r.Language)
	}
	if n.Rows > 0 {
		if !n.SetOf {
			return nil, pgerror.New(pgerror.InvalidParameterValue, "ROWS is not applicable when function does not return a set")
		}
		r.Rows = n.Rows
	} else if n.SetOf {
		r.Rows = 1000
	}
	// Parameters.
	var outs []*types.T
	sawDefault := false
	for _, p := range append(append([]parser.FuncParam(nil), n.Params...), n.Table...) {
		t, err := s.resolveRoutineType(p.Type)
		if err != nil {
			return nil, err
		}
		if t.OID == types.OidVoid {
			return nil, pgerror.New(pgerror.InvalidFunctionDefinition, "SQL functions cannot have arguments of type void")
		}
		pr := funcParamRecord{Name: p.Name, Mode: modeCode(p.Mode), Type: uint32(t.OID)}
		switch p.Mode {
		case "out", "table":
			outs = append(outs, t)
		case "variadic":
			return nil, pgerror.New(pgerror.FeatureNotSupported, "VARIADIC parameters are not supported yet")
		}
		if p.Mode == "out" && n.Procedure {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "procedure OUT parameters are not supported yet")
		}
		if p.Default != "" {
			if p.Mode == "out" {
				return nil, pgerror.New(pgerror.InvalidFunctionDefinition, "only input parameters can have default values")
			}
			if err := s.checkParamDefault(p, t); err != nil {
				return nil, err
			}
			pr.Default, sawDefault = p.Default, true
		} else if sawDefault && (p.Mode == "in" || p.Mode == "inout") {
			return nil, pgerror.New(pgerror.InvalidFunctionDefinition, "input parameters after one with a default value must also have defaults")
		}
		for _, q := range r.Params {
			if p.Name != "" && q.Name == p.Name && (q.Mode == "o") == (pr.Mode == "o") {
				return nil, pgerror.New(pgerror.InvalidFunctionDefinition, "parameter name \"%s\" used more than once", p.Name)
			}
		}
		r.Params = append(r.Params, pr)
	}
	// Result type.
	switch {
	case n.Procedure:
		r.Ret = uint32(types.OidVoid)
	case len(n.Table) > 0 || (n.Returns == "" && len(outs) > 0):
		if len(outs) != 1 {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "functions returning more than one column (record) are not supported yet")
		}
		if n.Returns != "" {
			return nil, pgerror.New(pgerror.InvalidFunctionDefinition, "function result type must be %s because of OUT parameters", outs[0].SQLName)
		}
		r.Ret = uint32(outs[0].OID)
	case n.Returns == "":
		return nil, pgerror.New(pgerror.InvalidFunctionDefinition, "function result type must be specified")
	default:
		t, err := s.resolveRoutineType(n.Returns)
		if err != nil {
			return nil, err
		}
		if t.OID == types.OidRecord {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "functions returning record are not supported yet")
		}
		if len(outs) == 1 && outs[0].OID != t.OID {
			return nil, pgerror.New(pgerror.InvalidFunctionDefinition, "function result type must be %s because of OUT parameters", outs[0].SQLName)
		}
		r.Ret = uint32(t.OID)
	}
	r.RetSet = n.SetOf
	fd, err := newFuncDef(r, s.sessionType)
	if err != nil {
		return nil, err
	}
	// Same name and input types: replace or fail.
	tx := s.storageTxn()
	if err := tx.LockObject(ctx, "func:"+qualified(schema, name), lock.Exclusive); err != nil {
		return nil, storageError(err)
	}
	for _, old := range s.funcsNamed(schema, name) {
		if !sameTypes(old.uf.Args, fd.uf.Args) {
			continue
		}
		if !n.OrReplace {
			return nil, pgerror.New(pgerror.DuplicateFunction, "%s \"%s\" already exists with same argument types", routineWord(kind), name)
		}
		if old.rec.Kind != kind {
			return nil, pgerror.New(pgerror.WrongObjectType, "cannot change routine kind").
				WithDetail("\"%s\" is a %s.", name, routineWord(old.rec.Kind))
		}
		if old.rec.Ret != r.Ret || old.rec.RetSet != r.RetSet {
			return nil, pgerror.New(pgerror.InvalidFunctionDefinition, "cannot change return type of existing function").
				WithHint("Use DROP %s %s first.", strings.ToUpper(routineWord(kind)), signature(old))
		}
		r.OID = old.rec.OID
	}
	if r.OID == 0 {
		r.OID = s.engine.catalog.nextOID.Add(1) - 1
	}
	fd.rec.OID, fd.uf.OID = r.OID, r.OID
	if on, _ := s.Setting("check_function_bodies"); on != "off" {
		// The function is visible to its own body while it is checked,
		// as PostgreSQL validates it after inserting it into pg_proc:
		// recursive functions refer to themselves.
		prev, had := s.pendingFuncs[r.OID]
		if s.pendingFuncs == nil {
			s.pendingFuncs = map[uint32]*funcDef{}
		}
		s.pendingFuncs[r.OID] = fd
		err := s.checkFunctionBody(fd, n)
		if had {
			s.pendingFuncs[r.OID] = prev
		} else {
			delete(s.pendingFuncs, r.OID)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := s.putFunc(r.OID, fd); err != nil {
		return nil, err
	}
	return tagOnly("CREATE " + strings.ToUpper(routineWord(kind))), nil
}

// checkParamDefault checks that a DEFAULT expression binds and converts
// to its parameter's type.
func (s *Session) checkParamDefault(p parser.FuncParam, t *types.T) error {
	stmts, err := parser.Parse("SELECT " + p.Default)
	if err != nil {
		return shiftBy(err, p.DefaultPos-1-len("SELECT "))
	}
	if len(stmts) != 1 || stmts[0].AST == nil {
		return pgerror.New(pgerror.SyntaxError, "syntax error at or near \"%s\"", p.Default)
	}
	q, err := planner.BuildWith(stmts[0].AST, nil, s, &s.fo)
	if err != nil {
		return shiftBy(userPosition(err, stmts[0]), p.DefaultPos-1-len("SELECT "))
	}
	if len(q.Columns) == 1 && q.Columns[0].Type.OID != t.OID && q.Columns[0].Type.OID != types.OidUnknown {
		if ok, _ := types.CanCast(q.Columns[0].Type, t); !ok {
			return pgerror.New(pgerror.DatatypeMismatch, "argument of function default value must be type %s, not type %s", t.SQLName, q.Columns[0].Type.SQLName)
		}
	}
	return nil
}

// checkFunctionBody plans the body as PostgreSQL's validator analyses it:
// unknown tables and columns, parameter references and the result type
// are errors at CREATE. Positions point into the statement.
func (s *Session) checkFunctionBody(fd *funcDef, n *parser.CreateFunction) error {
	_, err := planner.PlanFunctionBody(fd.uf, s, &s.fo)
	if err == nil {
		return nil
	}
	pe := pgerror.From(err)
	if pe.Position > 0 {
		start := n.BodyPos
		if fd.rec.SQLBody {
			start = n.SQLBodyPos
			if strings.HasPrefix(fd.rec.Exec, "SELECT ") {
				start -= len("SELECT ")
			}
		}
		if fd.rec.Language == "sql" && start > 0 {
			return shiftPosition(pe, start)
		}
		cp := *pe
		cp.Position = 0
		return &cp
	}
	return pe
}

// signature prints name(argtypes) as PostgreSQL's format_procedure does.
func signature(fd *funcDef) string {
	args := make([]string, len(fd.uf.Args))
	for i, t := range fd.uf.Args {
		args[i] = t.SQLName
	}
	return fd.rec.Name + "(" + strings.Join(args, ", ") + ")"
}

// findRoutine resolves a DROP / ALTER reference; what is the statement's
// routine word ("function", "procedure" or "routine").
func (s *Session) findRoutine(ref parser.FuncRef, what string) (*funcDef, error) {
	schema, name := splitQualified(ref.Name)
	fds := s.funcsNamed(schema, name)
	if !ref.HasArgs {
		switch len(fds) {
		case 0:
			return nil, pgerror.New(pgerror.UndefinedFunction, "could not find a %s named \"%s\"", what, ref.Name)
		case 1:
			return fds[0], s.checkRoutineKind(fds[0], what)
		}
		return nil, pgerror.New(pgerror.AmbiguousFunction, "%s name \"%s\" is not unique", what, ref.Name).
			WithHint("Specify the argument list to select the %s unambiguously.", what)
	}
	args := make([]*types.T, len(ref.Args))
	names := make([]string, len(ref.Args))
	for i, a := range ref.Args {
		t, err := s.resolveRoutineType(a)
		if err != nil {
			return nil, err
		}
		args[i], names[i] = t, t.SQLName
	}
	for _, fd := range fds {
		if sameTypes(fd.uf.Args, args) {
			return fd, s.checkRoutineKind(fd, what)
		}
	}
	return nil, pgerror.New(pgerror.UndefinedFunction, "%s %s(%s) does not exist", what, ref.Name, strings.Join(names, ", "))
}

// checkRoutineKind refuses DROP FUNCTION of a procedure and the reverse.
func (s *Session) checkRoutineKind(fd *funcDef, what string) error {
	if what == "routine" || routineWord(fd.rec.Kind) == what {
		return nil
	}
	return pgerror.New(pgerror.WrongObjectType, "%s is not a %s", signature(fd), what)
}

// execDropFunction runs DROP FUNCTION | PROCEDURE | ROUTINE.
func (s *Session) execDropFunction(ctx context.Context, n *parser.DropFunction) (*Result, error) {
	res := tagOnly("DROP " + strings.ToUpper(n.Kind))
	var drop []*funcDef
	for _, ref := range n.Funcs {
		fd, err := s.findRoutine(ref, n.Kind)
		if err != nil {
			pe := pgerror.From(err)
			if n.IfExists && pe.Code == pgerror.UndefinedFunction {
				args := ""
				if ref.HasArgs {
					names := make([]string, len(ref.Args))
					for i, a := range ref.Args {
						names[i] = typeNameString(a)
					}
					args = strings.Join(names, ",")
				}
				res.Notices = append(res.Notices, pgerror.Notice("%s %s(%s) does not exist, skipping", n.Kind, ref.Name, args))
				continue
			}
			return nil, err
		}
		drop = append(drop, fd)
	}
	tx := s.storageTxn()
	for _, fd := range drop {
		if err := tx.LockObject(ctx, "func:"+qualified(fd.rec.Schema, fd.rec.Name), lock.Exclusive); err != nil {
			return nil, storageError(err)
		}
		if err := s.putFunc(fd.rec.OID, nil); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// execAlterFunction runs ALTER FUNCTION | PROCEDURE | ROUTINE.
func (s *Session) execAlterFunction(ctx context.Context, n *parser.AlterFunction) (*Result, error) {
	fd, err := s.findRoutine(n.Func, n.Kind)
	if err != nil {
		return nil, err
	}
	r := fd.rec
	r.Params = append([]funcParamRecord(nil), r.Params...)
	switch {
	case n.NewName != "" || n.NewSchema != "":
		schema, name := r.Schema, r.Name
		if n.NewName != "" {
			name = n.NewName
		}
		if n.NewSchema != "" {
			if schema, err = s.creationSchema(ctx, n.NewSchema, false); err != nil {
				return nil, err
			}
		}
		for _, o := range s.funcsNamed(schema, name) {
			if o.rec.OID != r.OID && sameTypes(o.uf.Args, fd.uf.Args) {
				if n.NewName != "" {
					return nil, pgerror.New(pgerror.DuplicateFunction, "%s %s already exists in schema \"%s\"", routineWord(r.Kind), name+signature(fd)[len(r.Name):], schema)
				}
				return nil, pgerror.New(pgerror.DuplicateFunction, "%s %s already exists in schema \"%s\"", routineWord(r.Kind), signature(fd), schema)
			}
		}
		r.Schema, r.Name = schema, name
	case n.Owner != "":
		// One role: nothing to change.
	default:
		if n.Volatility != 0 {
			r.Volatility = string(n.Volatility)
		}
		if n.SetStrict {
			r.Strict = n.Strict
		}
	}
	nfd, err := newFuncDef(r, s.sessionType)
	if err != nil {
		return nil, err
	}
	if err := s.putFunc(r.OID, nfd); err != nil {
		return nil, err
	}
	return tagOnly("ALTER " + strings.ToUpper(n.Kind)), nil
}

// execCall runs CALL proc(args).
func (s *Session) execCall(ctx context.Context, n *parser.Call) (*Result, error) {
	// Parsed as SELECT expr for PostgreSQL's syntax errors and positions.
	stmts, err := parser.Parse("SELECT " + n.Expr)
	if err != nil {
		return nil, shiftBy(err, n.ExprPos-1-len("SELECT "))
	}
	sel, ok := stmts[0].AST.(*ast.SelectStmt)
	if len(stmts) != 1 || !ok || sel.Fields == nil || len(sel.Fields.Fields) != 1 || sel.Fields.Fields[0].Expr == nil {
		return nil, pgerror.New(pgerror.SyntaxError, "syntax error at or near \"%s\"", n.Name).WithPosition(n.ExprPos)
	}
	x := sel.Fields.Fields[0].Expr
	e, err := planner.BuildCall(x, s, &s.fo)
	if err != nil {
		pe := pgerror.From(err)
		if pe.Code == pgerror.UndefinedFunction && strings.HasPrefix(pe.Message, "function ") {
			// PostgreSQL looks for procedures only.
			cp := *pe
			cp.Message = "procedure " + pe.Message[len("function "):]
			cp.Hint = strings.Replace(pe.Hint, "No function matches", "No procedure matches", 1)
			cp.Position = n.ExprPos
			return nil, &cp
		}
		return nil, shiftBy(userPosition(err, stmts[0]), n.ExprPos-1-len("SELECT "))
	}
	c, ok := e.(*planner.Call)
	if !ok || c.Fn.User == nil || c.Fn.User.Func.Kind != 'p' {
		name := n.Name
		if ok {
			sig := make([]string, len(c.Args))
			for i, a := range c.Args {
				sig[i] = a.Type().SQLName
			}
			name = c.Fn.Name + "(" + strings.Join(sig, ", ") + ")"
		}
		return nil, pgerror.New(pgerror.WrongObjectType, "%s is not a procedure", name).
			WithHint("To call a function, use SELECT.").WithPosition(n.ExprPos)
	}
	s.storageTxn()
	if _, err := eval.EvalExpr(ctx, e, nil, s); err != nil {
		return nil, err
	}
	return tagOnly("CALL"), nil
}

// grammarTypeNames are the type names PostgreSQL's grammar turns into
// pg_catalog.<internal name> (SQL keywords); others stay as written.
var grammarTypeNames = map[string]string{
	"smallint": "int2", "int": "int4", "integer": "int4", "bigint": "int8", "real": "float4",
	"float": "float8", "double precision": "float8", "decimal": "numeric", "dec": "numeric",
	"numeric": "numeric", "boolean": "bool", "char": "bpchar", "character": "bpchar",
	"varchar": "varchar", "character varying": "varchar", "char varying": "varchar", "bit": "bit",
	"bit varying": "varbit", "time": "time", "time without time zone": "time",
	"time with time zone": "timetz", "timestamp": "timestamp",
	"timestamp without time zone": "timestamp", "timestamp with time zone": "timestamptz",
	"interval": "interval",
}

// typeNameString prints a type name of a DROP as PostgreSQL's
// TypeNameToString does in "does not exist, skipping" notices: keyword
// types qualified with their internal names, modifiers dropped.
func typeNameString(name string) string {
	base, suffix := name, ""
	if i := strings.IndexAny(base, "[("); i >= 0 {
		if j := strings.LastIndexByte(base, ')'); base[i] == '(' && j > i {
			base = base[:i] + base[j+1:]
		}
		if k := strings.Index(base, "[]"); k >= 0 {
			base, suffix = base[:k], base[k:]
		}
	}
	base = strings.TrimSpace(base)
	if n, ok := grammarTypeNames[base]; ok {
		return "pg_catalog." + n + suffix
	}
	return base + suffix
}

// languageOID is a language's pg_language OID.
func languageOID(lang string) uint32 {
	if lang == "plpgsql" {
		return pgcatalog.LanguagePlpgsql
	}
	return 14
}

// Functions implements pgcatalog.FunctionSource: pg_proc's user rows.
func (c catalogSource) Functions() []pgcatalog.FunctionInfo {
	all := c.s.allFuncs()
	out := make([]pgcatalog.FunctionInfo, 0, len(all))
	for _, fd := range all {
		r := &fd.rec
		fi := pgcatalog.FunctionInfo{OID: r.OID, Schema: r.Schema, Name: r.Name, Kind: r.Kind, Lang: languageOID(r.Language),
			Ret: r.Ret, RetSet: r.RetSet, Strict: r.Strict, Volatile: r.Volatility, Parallel: r.Parallel,
			SecDef: r.Security, Leakproof: r.Leakproof, Cost: r.Cost, Rows: r.Rows, Src: r.Src}
		if r.SQLBody {
			fi.Src = ""
		}
		allIn, named := true, false
		for _, p := range r.Params {
			if p.Mode == "i" || p.Mode == "b" || p.Mode == "v" {
				fi.ArgTypes = append(fi.ArgTypes, p.Type)
			}
			if p.Mode != "i" {
				allIn = false
			}
			if p.Name != "" {
				named = true
			}
			if p.Default != "" {
				fi.NDefaults++
			}
		}
		if !allIn {
			for _, p := range r.Params {
				fi.AllTypes = append(fi.AllTypes, p.Type)
				fi.Modes = append(fi.Modes, p.Mode)
			}
		}
		if named {
			for _, p := range r.Params {
				fi.Names = append(fi.Names, p.Name)
			}
		}
		out = append(out, fi)
	}
	return out
}

// shiftBy moves an error's position by d characters (d may be negative:
// the text parsed had a prefix the user did not write).
func shiftBy(err error, d int) error {
	pe := pgerror.From(err)
	if pe.Position == 0 || pe.Position+d <= 0 {
		return err
	}
	cp := *pe
	cp.Position += d
	return &cp
}
