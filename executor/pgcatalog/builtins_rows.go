package pgcatalog

import (
	"sync"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// The rows of the built-in catalogs chosen in builtins.go. They never
// change, so each relation's are made once (cached) and every scan gets
// a copy of them (one allocation), not a rebuild: psql's \df and \do
// read pg_proc and pg_operator whole.

func init() {
	for name, build := range map[string]func(*builder, Source){
		"pg_operator": buildOperator, "pg_cast": buildCast, "pg_aggregate": buildAggregate,
		"pg_opclass": buildOpclass, "pg_opfamily": buildOpfamily, "pg_amop": buildAmop,
		"pg_amproc": buildAmproc, "pg_conversion": buildConversion,
	} {
		builders[name] = cached(build)
	}
}

var (
	builtinRowsMu    sync.Mutex
	builtinRowsCache = map[string][][]types.Datum{}
)

// builtinRowsOf returns relation d's rows as build makes them from no
// Source, made on first use.
func builtinRowsOf(d *relDef, build func(*builder, Source)) [][]types.Datum {
	builtinRowsMu.Lock()
	defer builtinRowsMu.Unlock()
	rows, ok := builtinRowsCache[d.name]
	if !ok {
		b := &builder{d: d}
		build(b, nil)
		rows = b.rows
		builtinRowsCache[d.name] = rows
	}
	return rows
}

// appendRows appends copies of rows (sharing one backing array) for
// which keep, if set, is true.
func (b *builder) appendRows(rows [][]types.Datum, keep func([]types.Datum) bool) {
	n := len(b.d.columns)
	back := make([]types.Datum, len(rows)*n)
	for i, r := range rows {
		if keep != nil && !keep(r) {
			continue
		}
		row := back[i*n : (i+1)*n : (i+1)*n]
		copy(row, r)
		b.rows = append(b.rows, row)
	}
}

// cached makes a builder of source-independent rows serve copies of
// its rows.
func cached(build func(*builder, Source)) func(*builder, Source) {
	return func(b *builder, src Source) {
		b.appendRows(builtinRowsOf(b.d, build), nil)
	}
}

// addPgProc adds PostgreSQL's pg_proc row p. proargdefaults stays NULL:
// PostgreSQL keeps a node tree there, which nqdb cannot reproduce;
// pg_get_function_arguments prints the defaults (BuiltinFunctionText).
func addPgProc(b *builder, p *pgProc) {
	src := p.Src
	if src == "" && p.Def == "" {
		src = p.Name // "" for SQL-standard bodies (Def set)
	}
	kv := []any{"oid", p.OID, "proname", p.Name, "pronamespace", NamespacePgCatalog, "proowner", RolePostgres,
		"prolang", p.Lang, "procost", p.Cost, "prorows", p.Rows, "provariadic", p.Variadic,
		"prosupport", p.Support, "prokind", string(p.Kind), "prosecdef", p.SecDef, "proleakproof", p.Leakproof,
		"proisstrict", p.Strict, "proretset", p.RetSet, "provolatile", string(p.Vol), "proparallel", string(p.Par),
		"pronargs", p.NArgs, "pronargdefaults", p.NArgDefaults, "prorettype", p.Ret, "proargtypes", oidList(p.Args),
		"prosrc", src}
	if p.AllArgs != "" {
		kv = append(kv, "proallargtypes", arrayOIDs(p.AllArgs))
	}
	if p.Modes != "" {
		kv = append(kv, "proargmodes", arrayText(p.Modes))
	}
	if p.Names != "" {
		kv = append(kv, "proargnames", arrayText(p.Names))
	}
	if p.Bin != "" {
		kv = append(kv, "probin", p.Bin)
	}
	b.add(kv...)
}

func buildOperator(b *builder, src Source) {
	s := builtins()
	listed := func(oid uint32) uint32 {
		if s.operByOID[oid] != nil {
			return oid
		}
		return 0
	}
	for _, o := range s.opers {
		b.add("oid", o.OID, "oprname", o.Name, "oprnamespace", NamespacePgCatalog, "oprowner", RolePostgres,
			"oprkind", string(o.Kind), "oprcanmerge", o.CanMerge, "oprcanhash", o.CanHash, "oprleft", o.Left,
			"oprright", o.Right, "oprresult", o.Result, "oprcom", listed(o.Com), "oprnegate", listed(o.Negate),
			"oprcode", o.Code, "oprrest", o.Rest, "oprjoin", o.Join)
	}
}

func buildCast(b *builder, src Source) {
	for _, c := range builtins().casts {
		b.add("oid", c.OID, "castsource", c.Source, "casttarget", c.Target, "castfunc", c.Func,
			"castcontext", string(c.Context), "castmethod", string(c.Method))
	}
}

func buildAggregate(b *builder, src Source) {
	for _, a := range builtins().aggs {
		kv := []any{"aggfnoid", a.Fn, "aggkind", string(a.Kind), "aggnumdirectargs", a.NumDirectArgs,
			"aggtransfn", a.TransFn, "aggfinalfn", a.FinalFn, "aggcombinefn", a.CombineFn, "aggserialfn", a.SerialFn,
			"aggdeserialfn", a.DeserialFn, "aggmtransfn", a.MTransFn, "aggminvtransfn", a.MInvTransFn,
			"aggmfinalfn", a.MFinalFn, "aggfinalextra", a.FinalExtra, "aggmfinalextra", a.MFinalExtra,
			"aggfinalmodify", string(a.FinalModify), "aggmfinalmodify", string(a.MFinalModify), "aggsortop", a.SortOp,
			"aggtranstype", a.TransType, "aggtransspace", a.TransSpace, "aggmtranstype", a.MTransType,
			"aggmtransspace", a.MTransSpace}
		if a.InitVal != nullText {
			kv = append(kv, "agginitval", a.InitVal)
		}
		if a.MInitVal != nullText {
			kv = append(kv, "aggminitval", a.MInitVal)
		}
		b.add(kv...)
	}
}

func buildOpclass(b *builder, src Source) {
	for _, c := range builtins().opclasses {
		b.add("oid", c.OID, "opcmethod", c.Method, "opcname", c.Name, "opcnamespace", NamespacePgCatalog,
			"opcowner", RolePostgres, "opcfamily", c.Family, "opcintype", c.InType, "opcdefault", c.Default,
			"opckeytype", c.KeyType)
	}
}

func buildOpfamily(b *builder, src Source) {
	for _, f := range builtins().opfamilies {
		b.add("oid", f.OID, "opfmethod", f.Method, "opfname", f.Name, "opfnamespace", NamespacePgCatalog,
			"opfowner", RolePostgres)
	}
}

func buildAmop(b *builder, src Source) {
	for _, a := range builtins().amops {
		b.add("oid", a.OID, "amopfamily", a.Family, "amoplefttype", a.Left, "amoprighttype", a.Right,
			"amopstrategy", a.Strategy, "amoppurpose", string(a.Purpose), "amopopr", a.Opr, "amopmethod", a.Method,
			"amopsortfamily", a.SortFamily)
	}
}

func buildAmproc(b *builder, src Source) {
	for _, a := range builtins().amprocs {
		b.add("oid", a.OID, "amprocfamily", a.Family, "amproclefttype", a.Left, "amprocrighttype", a.Right,
			"amprocnum", a.Num, "amproc", a.Proc)
	}
}

// buildConversion lists every PostgreSQL conversion: nqdb speaks UTF8
// only and converts nothing, but clients (psql's \dc) read the list.
func buildConversion(b *builder, src Source) {
	for i := range pgConversions {
		c := &pgConversions[i]
		b.add("oid", c.OID, "conname", c.Name, "connamespace", NamespacePgCatalog, "conowner", RolePostgres,
			"conforencoding", c.For, "contoencoding", c.To, "conproc", c.Proc, "condefault", c.Default)
	}
}
