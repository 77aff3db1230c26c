package pgcatalog

import (
	"strconv"
	"strings"
	"sync"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Which of PostgreSQL 15's built-in catalog rows (pgdata_*.go) nqdb
// lists. The rule is "what nqdb has, under PostgreSQL's OIDs":
//
//   - pg_proc: every function of nqdb's registry (planner.FunctionNames)
//     that PostgreSQL has with the same name and argument types gets
//     PostgreSQL's row; the others keep numbers from procOIDBase. The
//     support functions the listed operators, casts, aggregates and
//     operator classes name (oprcode, castfunc, aggtransfn, amproc, ...)
//     are listed too, so that joins from those catalogs find their rows.
//   - pg_operator: the operators planner.OperatorResult binds for the
//     row's operand types, with the row's result type.
//   - pg_cast: the casts between nqdb's types that sql/types performs.
//   - pg_aggregate: the rows of nqdb's aggregates over nqdb's types.
//   - pg_opclass, pg_opfamily, pg_amop, pg_amproc: btree and hash classes
//     of nqdb's types, and their listed operators.
//
// The choice depends only on static registries, so it is made once.

// builtinSet is the chosen rows.
type builtinSet struct {
	procs     []procEntry // PostgreSQL's in its order, then nqdb's own
	procByOID map[uint32]int
	// procsByName maps a name to the OIDs of every built-in function of
	// PostgreSQL's and of nqdb's own functions PostgreSQL lacks, and
	// pgProcByOID maps the former's OIDs to their rows: regproc input and
	// output name any built-in, listed in pg_proc or not, as PostgreSQL
	// does.
	procsByName map[string][]uint32
	pgProcByOID map[uint32]*pgProc
	opers       []*pgOperator
	operByOID   map[uint32]*pgOperator
	casts       []*pgCast
	aggs        []*pgAggregate
	opfamilies  []*pgOpfamily
	opclasses   []*pgOpclass
	amops       []*pgAmop
	amprocs     []*pgAmproc
	descs       map[descKey]string
}

// procEntry is one listed pg_proc row: PostgreSQL's (pg set) or one of
// nqdb's own functions PostgreSQL lacks (fn set, under oid).
type procEntry struct {
	oid uint32
	pg  *pgProc
	fn  *planner.Func
}

type descKey struct{ class, obj uint32 }

var (
	builtinsOnce sync.Once
	builtinRows  *builtinSet
)

// builtins returns the chosen rows, computing them on first use (after
// every package's init has filled the registries).
func builtins() *builtinSet {
	builtinsOnce.Do(func() { builtinRows = chooseBuiltins() })
	return builtinRows
}

// Polymorphic pseudo-types and the concrete type the operator check uses
// in their place.
const (
	oidAnyNonArray           = 2776
	oidAnyEnum               = 3500
	oidAnyCompatible         = 5077
	oidAnyCompatibleArray    = 5078
	oidAnyCompatibleNonArray = 5079
	classOIDPgProc           = 1255
	classOIDPgOperator       = 2617
	classOIDPgType           = 1247
	classOIDPgAm             = 2601
	classOIDPgLanguage       = 2612
	classOIDPgConversion     = 2607
)

// unsupportedAggs are the overloads of nqdb's aggregates it does not
// compute although it has their types (found by calling every listed
// aggregate): min/max of tid, array_agg of arrays, string_agg of bytea.
var unsupportedAggs = map[string]bool{"min(27)": true, "max(27)": true, "array_agg(2277)": true,
	"string_agg(17 17)": true}

// sampleType is the type standing for t in the operator check: t itself
// for nqdb's types, int4 or int4[] for the polymorphic ones; nil when
// nqdb has no such type.
func sampleType(oid uint32) *types.T {
	switch oid {
	case types.OidAnyElement, oidAnyNonArray, oidAnyCompatible, oidAnyCompatibleNonArray:
		return types.Int4
	case types.OidAnyArray, oidAnyCompatibleArray:
		return types.Int4Array
	}
	if oid == types.OidAny || oid == types.OidRecord {
		return nil
	}
	return types.ByOID(oid)
}

// knownType reports whether nqdb has type oid (pseudo-types that pg_type
// lists included).
func knownType(oid uint32) bool { return TypeByOID(oid) != nil }

func chooseBuiltins() *builtinSet {
	s := &builtinSet{procByOID: map[uint32]int{}, procsByName: map[string][]uint32{},
		operByOID: map[uint32]*pgOperator{}, descs: map[descKey]string{}}
	pgByOID := make(map[uint32]*pgProc, len(pgProcs))
	pgBySig := make(map[string]*pgProc, len(pgProcs))
	pgNames := map[string]int{}
	for i := range pgProcs {
		p := &pgProcs[i]
		pgNames[p.Name]++
		pgByOID[p.OID] = p
		pgBySig[p.Name+"("+p.Args+")"] = p
	}
	listed := map[uint32]*pgProc{}
	need := func(oid uint32) {
		if p := pgByOID[oid]; p != nil {
			listed[oid] = p
		}
	}

	// nqdb's functions.
	var own []*planner.Func
	seen := map[string]bool{}
	for _, name := range planner.FunctionNames() {
		for _, f := range planner.LookupFunctions(name) {
			args := f.Args
			if f.Variadic != nil {
				args = append(args[:len(args):len(args)], f.Variadic)
			}
			sig := signature(name, args)
			if seen[sig] {
				continue // an overload registered twice is one function
			}
			seen[sig] = true
			p := matchProc(pgBySig, name, f)
			if p != nil && listed[p.OID] == nil {
				listed[p.OID] = p
			} else if p == nil {
				own = append(own, f)
			}
		}
	}
	// Window functions (bound by the planner's window code, not the
	// function registry).
	for i := range pgProcs {
		if p := &pgProcs[i]; p.Kind == 'w' && planner.IsWindowFunctionName(p.Name) && allKnown(p.Args) {
			listed[p.OID] = p
		}
	}

	// Operators.
	for i := range pgOperators {
		o := &pgOperators[i]
		if operatorSupported(o) {
			s.opers = append(s.opers, o)
			s.operByOID[o.OID] = o
			need(o.Code)
			need(o.Rest)
			need(o.Join)
		}
	}
	// Casts.
	for i := range pgCasts {
		c := &pgCasts[i]
		from, to := types.ByOID(c.Source), types.ByOID(c.Target)
		if from == nil || to == nil {
			continue
		}
		if _, explicit := types.CanCast(from, to); explicit {
			s.casts = append(s.casts, c)
			need(c.Func)
		}
	}
	// Aggregates.
	for i := range pgAggregates {
		a := &pgAggregates[i]
		p := pgByOID[a.Fn]
		if p == nil || !planner.IsAggregateName(p.Name) || !allKnown(p.Args) || !knownType(p.Ret) ||
			unsupportedAggs[p.Name+"("+p.Args+")"] {
			continue
		}
		s.aggs = append(s.aggs, a)
		for _, f := range []uint32{a.Fn, a.TransFn, a.FinalFn, a.CombineFn, a.SerialFn, a.DeserialFn,
			a.MTransFn, a.MInvTransFn, a.MFinalFn} {
			need(f)
		}
	}
	// Operator classes and families.
	families := map[uint32]bool{}
	for i := range pgOpclasses {
		c := &pgOpclasses[i]
		if (knownType(c.InType) || c.InType == oidAnyEnum) && c.InType != types.OidRecord {
			s.opclasses = append(s.opclasses, c)
			families[c.Family] = true
		}
	}
	for i := range pgOpfamilies {
		if f := &pgOpfamilies[i]; families[f.OID] {
			s.opfamilies = append(s.opfamilies, f)
		}
	}
	for i := range pgAmops {
		if a := &pgAmops[i]; families[a.Family] && s.operByOID[a.Opr] != nil {
			s.amops = append(s.amops, a)
		}
	}
	for i := range pgAmprocs {
		a := &pgAmprocs[i]
		if families[a.Family] && (knownType(a.Left) || a.Left == oidAnyEnum) && (knownType(a.Right) || a.Right == oidAnyEnum) {
			s.amprocs = append(s.amprocs, a)
			need(a.Proc)
		}
	}

	// The types' support functions (pg_type's typinput, ...).
	for _, t := range builtinTypes {
		if io := pgTypeByOID(t.OID); io != nil {
			for _, f := range []uint32{io.Input, io.Output, io.Receive, io.Send, io.ModIn, io.ModOut, io.Analyze, io.Subscr} {
				need(f)
			}
		}
	}

	// pg_proc: PostgreSQL's rows in its order, then nqdb's own.
	for i := range pgProcs {
		if p := &pgProcs[i]; listed[p.OID] != nil {
			s.procs = append(s.procs, procEntry{oid: p.OID, pg: p})
		}
	}
	n := uint32(procOIDBase)
	for _, f := range own {
		n++
		s.procs = append(s.procs, procEntry{oid: n, fn: f})
	}
	for i := range pgProcs {
		p := &pgProcs[i]
		s.procsByName[p.Name] = append(s.procsByName[p.Name], p.OID)
	}
	for i, e := range s.procs {
		s.procByOID[e.oid] = i
		// nqdb's own overloads of a name PostgreSQL has stay out of
		// regproc's name lookup, which answers as PostgreSQL does.
		if e.fn != nil && pgNames[e.fn.Name] == 0 {
			s.procsByName[e.fn.Name] = append(s.procsByName[e.fn.Name], e.oid)
		}
	}
	s.pgProcByOID = pgByOID

	// Descriptions of the listed objects.
	for _, d := range pgDescriptions {
		var ok bool
		switch d.Class {
		case classOIDPgProc:
			_, ok = s.procByOID[d.Obj]
		case classOIDPgOperator:
			ok = s.operByOID[d.Obj] != nil
		case classOIDPgType:
			ok = knownType(d.Obj)
		default:
			ok = true
		}
		if ok {
			s.descs[descKey{d.Class, d.Obj}] = d.Text
		}
	}
	return s
}

func (e *procEntry) name() string {
	if e.pg != nil {
		return e.pg.Name
	}
	return e.fn.Name
}

// signature is a function's name and argument type OIDs as pgBySig keys
// them: name(23 23).
func signature(name string, args []*types.T) string {
	var b strings.Builder
	b.WriteString(name)
	b.WriteByte('(')
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatUint(uint64(a.OID), 10))
	}
	b.WriteByte(')')
	return b.String()
}

// matchProc finds PostgreSQL's function for nqdb's overload f: the same
// name and argument types, a VARIADIC parameter counted as its element
// type ("any") or its array type. nqdb declares some polymorphic
// parameters "any" where PostgreSQL says anyelement or anycompatible,
// which are tried as well.
func matchProc(bySig map[string]*pgProc, name string, f *planner.Func) *pgProc {
	var forms [][]*types.T
	if f.Variadic != nil {
		forms = append(forms, append(f.Args[:len(f.Args):len(f.Args)], f.Variadic))
		if f.Variadic.Array != nil {
			forms = append(forms, append(f.Args[:len(f.Args):len(f.Args)], f.Variadic.Array))
		}
	} else {
		forms = append(forms, f.Args)
	}
	for _, args := range forms {
		if p := bySig[signature(name, args)]; p != nil {
			return p
		}
	}
	for _, alt := range []uint32{types.OidAnyElement, oidAnyCompatible, oidAnyNonArray} {
		for _, args := range forms {
			var sub []*types.T
			for _, a := range args {
				if a.OID == types.OidAny && f.Variadic == nil {
					a = &types.T{OID: alt}
				}
				sub = append(sub, a)
			}
			if p := bySig[signature(name, sub)]; p != nil {
				return p
			}
		}
	}
	// nqdb registers one overload per number of arguments where
	// PostgreSQL has one function with defaults (make_interval).
	if f.Variadic == nil {
		prefix := signature(name, f.Args)
		prefix = prefix[:len(prefix)-1]
		for i := range pgProcs {
			p := &pgProcs[i]
			if p.Name != name || p.NArgDefaults == 0 || len(f.Args) >= int(p.NArgs) ||
				len(f.Args) < int(p.NArgs-p.NArgDefaults) {
				continue
			}
			if full := p.Name + "(" + p.Args + ")"; len(f.Args) == 0 || strings.HasPrefix(full, prefix+" ") {
				return p
			}
		}
	}
	return nil
}

// allKnown reports whether every OID of an oidvector text is a type nqdb
// has.
func allKnown(args string) bool {
	for _, f := range strings.Fields(args) {
		n, _ := strconv.ParseUint(f, 10, 32)
		if !knownType(uint32(n)) {
			return false
		}
	}
	return true
}

// operatorSupported reports whether nqdb binds operator o for its operand
// types, with its result type.
func operatorSupported(o *pgOperator) bool {
	if o.Left == oidAnyEnum || o.Right == oidAnyEnum {
		switch o.Name {
		case "=", "<>", "<", "<=", ">", ">=":
			return o.Left == o.Right
		}
		return false
	}
	var l *types.T
	if o.Kind != 'l' {
		if l = sampleType(o.Left); l == nil {
			return false
		}
	}
	r := sampleType(o.Right)
	want := sampleType(o.Result)
	if r == nil || want == nil {
		return false
	}
	got, ok := planner.OperatorResult(o.Name, l, r)
	return ok && got.OID == want.OID
}

// oidList parses an oidvector's text form.
func oidList(s string) []int64 {
	fs := strings.Fields(s)
	out := make([]int64, len(fs))
	for i, f := range fs {
		out[i], _ = strconv.ParseInt(f, 10, 64)
	}
	return out
}

// arrayText parses a one-dimensional array's text form as PostgreSQL
// prints proargnames, proargmodes and proallargtypes: elements separated
// by commas, double-quoted when they need it.
func arrayText(s string) []string {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	var out []string
	for len(s) > 0 {
		var e string
		if s[0] == '"' {
			var b strings.Builder
			i := 1
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				b.WriteByte(s[i])
			}
			e = b.String()
			s = s[min(i+1, len(s)):]
		} else {
			j := strings.IndexByte(s, ',')
			if j < 0 {
				j = len(s)
			}
			e, s = s[:j], s[j:]
		}
		out = append(out, e)
		s = strings.TrimPrefix(s, ",")
	}
	return out
}

func arrayOIDs(s string) []int64 {
	es := arrayText(s)
	out := make([]int64, len(es))
	for i, e := range es {
		out[i], _ = strconv.ParseInt(e, 10, 64)
	}
	return out
}

// BuiltinDescription is the pg_description text of a built-in object nqdb
// lists (class is the catalog's pg_class OID); ok is false when there is
// none.
func BuiltinDescription(class, obj uint32) (string, bool) {
	d, ok := builtins().descs[descKey{class, obj}]
	return d, ok
}

// ProcName is regprocout for a built-in function: its name, ok false for
// an OID that is not one.
func ProcName(oid uint32) (string, bool) {
	s := builtins()
	if p := s.pgProcByOID[oid]; p != nil {
		return p.Name, true
	}
	if i, ok := s.procByOID[oid]; ok {
		return s.procs[i].name(), true
	}
	return "", false
}

// ProcsByName lists the OIDs of the built-in functions called name.
func ProcsByName(name string) []uint32 { return builtins().procsByName[name] }

// procArgs is the argument types of built-in function oid.
func procArgs(oid uint32) ([]uint32, bool) {
	s := builtins()
	if p := s.pgProcByOID[oid]; p != nil {
		var out []uint32
		for _, a := range oidList(p.Args) {
			out = append(out, uint32(a))
		}
		return out, true
	}
	if i, ok := s.procByOID[oid]; ok && s.procs[i].fn != nil {
		f := s.procs[i].fn
		out := make([]uint32, len(f.Args))
		for j, a := range f.Args {
			out[j] = a.OID
		}
		return out, true
	}
	return nil, false
}

var (
	operIndexOnce sync.Once
	opersByName   map[string][]uint32
	operByOID     map[uint32]*pgOperator
)

func operIndex() {
	operIndexOnce.Do(func() {
		opersByName = map[string][]uint32{}
		operByOID = make(map[uint32]*pgOperator, len(pgOperators))
		for i := range pgOperators {
			o := &pgOperators[i]
			opersByName[o.Name] = append(opersByName[o.Name], o.OID)
			operByOID[o.OID] = o
		}
	})
}

// OperatorsByName lists the OIDs of PostgreSQL's operators called name
// (regoper input).
func OperatorsByName(name string) []uint32 {
	operIndex()
	return opersByName[name]
}

// Operator describes PostgreSQL's operator oid: its name and operand
// types (left 0 for a prefix operator).
func Operator(oid uint32) (name string, left, right uint32, ok bool) {
	operIndex()
	o := operByOID[oid]
	if o == nil {
		return "", 0, 0, false
	}
	return o.Name, o.Left, o.Right, true
}

// pseudoTypeOID resolves the name of a built-in type sql/types does not
// have (pseudo-types, and PostgreSQL's types nqdb lacks, which operator
// and function signatures name).
func pseudoTypeOID(name string) (uint32, bool) {
	for _, t := range builtinTypes {
		if t.Name == name {
			return t.OID, true
		}
	}
	for _, t := range pgTypeNames {
		if t.Name == name {
			return t.OID, true
		}
	}
	return 0, false
}

var (
	pgTypeIndexOnce sync.Once
	pgTypeIndex     map[uint32]*pgTypeName
)

// pgTypeByOID is PostgreSQL's pgTypeNames row of type oid, or nil.
func pgTypeByOID(oid uint32) *pgTypeName {
	pgTypeIndexOnce.Do(func() {
		pgTypeIndex = make(map[uint32]*pgTypeName, len(pgTypeNames))
		for i := range pgTypeNames {
			pgTypeIndex[pgTypeNames[i].OID] = &pgTypeNames[i]
		}
	})
	return pgTypeIndex[oid]
}

func pseudoTypeName(oid uint32) (string, bool) {
	if t := TypeByOID(oid); t != nil {
		return t.SQLName, true
	}
	if t := pgTypeByOID(oid); t != nil {
		return t.Name, true
	}
	return "", false
}

func init() {
	types.SetRegprocResolver(&types.RegprocResolver{ByName: ProcsByName, ByOID: ProcName, Args: procArgs,
		OpersByName: OperatorsByName, Oper: Operator, TypeOID: pseudoTypeOID, TypeName: pseudoTypeName})
}
