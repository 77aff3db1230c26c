package pgcatalog

import "sort"

// User-defined routines in pg_proc. A Source that also implements
// FunctionSource lists them after the built-ins, with the columns
// PostgreSQL 15 fills for CREATE FUNCTION / PROCEDURE.

// FunctionInfo describes one user-defined function or procedure.
type FunctionInfo struct {
	OID    uint32
	Schema string
	Name   string
	// Kind is prokind: "f" or "p".
	Kind string
	// Lang is the pg_language OID (14 sql, LanguagePlpgsql).
	Lang uint32
	// ArgTypes are the input parameters' types (proargtypes); AllTypes
	// and Modes every parameter's with its mode ("i", "o", "b", "v",
	// "t"), nil when all are inputs; Names the parameters' names (nil
	// when none is named).
	ArgTypes []uint32
	AllTypes []uint32
	Modes    []string
	Names    []string
	// NDefaults is pronargdefaults.
	NDefaults int
	Ret       uint32
	RetSet    bool
	Strict    bool
	// Volatile is "i", "s" or "v"; Parallel "s", "r" or "u".
	Volatile   string
	Parallel   string
	SecDef     bool
	Leakproof  bool
	Cost, Rows float64
	// Src is prosrc (empty for a SQL-standard body, whose text PostgreSQL
	// keeps in prosqlbody as a parse tree).
	Src string
}

// FunctionSource is implemented by a Source whose session has
// user-defined routines.
type FunctionSource interface {
	Functions() []FunctionInfo
}

// buildUserProcs adds the user-defined routines to pg_proc.
func buildUserProcs(b *builder, src Source) {
	fs, ok := src.(FunctionSource)
	if !ok {
		return
	}
	fns := fs.Functions()
	if len(fns) == 0 {
		return
	}
	sort.Slice(fns, func(i, j int) bool { return fns[i].OID < fns[j].OID })
	ns := namespaceOIDs(src)
	for _, f := range fns {
		args := make([]int64, len(f.ArgTypes))
		for i, t := range f.ArgTypes {
			args[i] = int64(t)
		}
		kv := []any{"oid", f.OID, "proname", f.Name, "pronamespace", ns.of(f.Schema), "proowner", RolePostgres,
			"prolang", f.Lang, "procost", f.Cost, "prorows", f.Rows, "prokind", f.Kind, "prosecdef", f.SecDef,
			"proleakproof", f.Leakproof, "proisstrict", f.Strict, "proretset", f.RetSet, "provolatile", f.Volatile,
			"proparallel", f.Parallel, "pronargs", len(f.ArgTypes), "pronargdefaults", f.NDefaults,
			"prorettype", f.Ret, "proargtypes", args, "prosrc", f.Src}
		if f.Modes != nil {
			all := make([]int64, len(f.AllTypes))
			for i, t := range f.AllTypes {
				all[i] = int64(t)
			}
			kv = append(kv, "proallargtypes", all, "proargmodes", f.Modes)
		}
		if f.Names != nil {
			kv = append(kv, "proargnames", f.Names)
		}
		b.add(kv...)
	}
}
