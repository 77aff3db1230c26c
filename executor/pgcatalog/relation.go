package pgcatalog

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Well-known OIDs of built-in objects (PostgreSQL 15's).
const (
	NamespacePgCatalog  = 11
	NamespacePublic     = 2200
	NamespaceToast      = 99
	NamespaceInfoSchema = 13207
	DatabaseOID         = 5
	RolePostgres        = 10
	RoleDatabaseOwner   = 6171
	AmHeap              = 2
	AmBtree             = 403
	AmHash              = 405
	TablespaceDefault   = 1663
	TablespaceGlobal    = 1664
	CollationDefault    = 100
	CollationC          = 950
	CollationPOSIX      = 951
	EncodingUTF8        = 6
	// ExtensionPlpgsql and LanguagePlpgsql are what initdb gives plpgsql
	// in PostgreSQL 15.18 (OIDs above FirstGenbkiObjectId vary between
	// minor versions).
	ExtensionPlpgsql      = 13559
	LanguagePlpgsql       = 13563
	classOIDPgClass       = 1259
	classOIDPgNamespace   = 2615
	classOIDPgConstraint  = 2606
	classOIDPgExtension   = 3079
	defaultBtreeOpclass   = 1978 // int4_ops; pg_index.indclass is informational only
	pkIndexOIDBit         = 1 << 31
	constraintOIDBits     = 3 << 30
	userOIDLimit          = 1 << 30
	relkindTable          = "r"
	relkindIndex          = "i"
	relkindView           = "v"
	relkindMatview        = "m"
	relpersistencePermant = "p"
)

// PKIndexOID is the pg_class OID of the primary key index of the table
// tableOID (the executor stores no OID for it).
func PKIndexOID(tableOID uint32) uint32 { return tableOID | pkIndexOIDBit }

// ConstraintOID is the pg_constraint OID of the constraint backed by the
// index indexOID (a primary key's PKIndexOID or a UNIQUE constraint's
// index).
func ConstraintOID(indexOID uint32) uint32 { return indexOID&(userOIDLimit-1) | constraintOIDBits }

// Source is the live catalog as one session sees it; the executor's
// Session implements it. Its methods are called at scan time.
type Source interface {
	// Tables returns the user tables the session sees, in any order.
	Tables() []TableInfo
	// Sequences returns the sequences the session sees, in any order.
	Sequences() []SequenceInfo
	// Views returns the views the session sees, in any order.
	Views() []ViewInfo
	// Settings returns the session's run-time parameters (pg_settings).
	Settings() []Setting
	// Database is the current database's name.
	Database() string
	// Namespaces returns the user schemas (CREATE SCHEMA, the temporary
	// schemas), in any order; the built-in ones are this package's.
	Namespaces() []NamespaceInfo
	// Descriptions returns COMMENT ON's descriptions (pg_description).
	Descriptions() []Description
	// Statements returns pg_stat_statements' entries.
	Statements() []StatementInfo
}

// StatementInfo is one row of pg_stat_statements.
type StatementInfo struct {
	User                                    string
	QueryID                                 int64
	Query                                   string
	Calls, Rows                             int64
	TotalMs, MinMs, MaxMs, MeanMs, StddevMs float64
}

// Description is one row of pg_description.
type Description struct {
	ObjOID, ClassOID uint32
	SubID            int32
	Text             string
}

// NamespaceInfo describes a user schema (pg_namespace).
type NamespaceInfo struct {
	OID   uint32
	Name  string
	Owner string
}

// ViewInfo describes one view (pg_class relkind v, pg_views).
type ViewInfo struct {
	OID        uint32
	Schema     string
	Name       string
	Columns    []planner.Column
	Definition string
	// Deparsed, when set, is pg_get_viewdef(oid): the query as
	// PostgreSQL prints it back (pg_views.definition,
	// information_schema.views.view_definition); computed only when a
	// scan asks.
	Deparsed func() string
	// CheckOption is "local", "cascaded" or "" (none).
	CheckOption string
}

// SequenceInfo describes one sequence (pg_class relkind S, pg_sequence).
type SequenceInfo struct {
	OID       uint32
	Schema    string
	Name      string
	TypeOID   uint32
	Start     int64
	Increment int64
	Min, Max  int64
	Cycle     bool
	// OwnerOID and OwnerAttnum name the owning column (OWNED BY, serial);
	// OwnerOID 0 = none.
	OwnerOID    uint32
	OwnerAttnum int
	// LastValue is pg_sequences.last_value: the last value handed out,
	// nil before the first nextval.
	LastValue any
}

// TableInfo describes one user table.
type TableInfo struct {
	OID    uint32
	Schema string
	Name   string
	// Columns are the user columns in attribute order (AttNum 1...).
	Columns []planner.Column
	// PK lists the primary key's column indexes (0-based); nil = none.
	PK     []int
	PKName string
	// Indexes are the secondary indexes.
	Indexes []IndexInfo
	// Checks and ForeignKeys are the table's CHECK and FOREIGN KEY
	// constraints.
	Checks      []CheckInfo
	ForeignKeys []ForeignKeyInfo
	// Stats are the statistics of the last ANALYZE (nil before it).
	Stats *TableStats
	// Activity counts the table's committed writes.
	Activity TableActivity
	// Matview is set when the table is a materialized view (pg_class
	// relkind m, pg_matviews); information_schema and pg_tables leave
	// it out, as PostgreSQL does.
	Matview *MatviewInfo
}

// MatviewInfo is what a materialized view has beyond a table's.
type MatviewInfo struct {
	// Definition is pg_get_viewdef(oid), computed when a scan asks.
	Definition func() string
	Populated  bool
}

// TableActivity is a table's row of pg_stat_user_tables' counters.
type TableActivity struct {
	Inserted, Updated, Deleted     int64
	ModSinceAnalyze                int64
	Live                           int64
	AnalyzeCount, AutoAnalyzeCount int64
	// LastAnalyze and LastAutoAnalyze are zero when never.
	LastAnalyze, LastAutoAnalyze time.Time
}

// TableStats are a table's statistics for pg_stats and pg_class.
type TableStats struct {
	Rows     float64
	Analyzed time.Time
	// Cols has one entry per column, in attribute order.
	Cols []ColumnStats
}

// ColumnStats is one pg_stats row; MCV and Hist are array literals of
// the column's type ("" = NULL).
type ColumnStats struct {
	NullFrac  float64
	AvgWidth  int
	NDistinct float64
	MCV       string
	MCF       []float64
	Hist      string
	Corr      *float64
}

// CheckInfo describes a CHECK constraint.
type CheckInfo struct {
	OID  uint32
	Name string
	// Cols are the columns the expression uses (0-based).
	Cols []int
	// Def and PrettyDef are pg_get_constraintdef's texts: "CHECK ((a > 0))"
	// and "CHECK (a > 0)".
	Def, PrettyDef string
}

// ForeignKeyInfo describes a FOREIGN KEY constraint of the referencing
// table.
type ForeignKeyInfo struct {
	OID  uint32
	Name string
	// Cols are the referencing columns, RefCols the referenced table's
	// (0-based), pairwise.
	Cols    []int
	RefOID  uint32
	RefCols []int
	// RefIndexOID is the referenced table's unique index (its primary
	// key's PKIndexOID or a unique index).
	RefIndexOID uint32
	// RefConstraint names the referenced unique constraint.
	RefConstraint string
	// OnUpdate, OnDelete and Match are pg_constraint's confupdtype,
	// confdeltype and confmatchtype letters.
	OnUpdate, OnDelete, Match byte
	Def                       string
}

// IndexInfo describes one secondary index.
type IndexInfo struct {
	OID  uint32
	Name string
	// Cols are the key columns' indexes (0-based) into the table's Columns.
	Cols []int
	// Desc marks descending key columns (nil = all ascending).
	Desc   []bool
	Unique bool
	// Constraint is set for the index of a UNIQUE constraint.
	Constraint bool
}

// Setting is one run-time parameter as pg_settings shows it.
type Setting struct {
	Name, Value, ShortDesc string
	// ReadOnly parameters are context "internal", the others "user".
	ReadOnly bool
}

// relSpec is a relation as listed in specs.go.
type relSpec struct {
	oid    uint32
	schema string
	name   string
	kind   byte
	cols   string
}

// relDef is a parsed relSpec with the function that makes its rows.
type relDef struct {
	relSpec
	columns []planner.Column
	notNull []bool
	byName  map[string]int
}

var (
	defs   []*relDef
	byName = map[string]*relDef{}
	byOID  = map[uint32]*relDef{}
)

// typeOf maps a spec's type names to nqdb types (see the package doc for
// the substitutions).
var typeOf = map[string]*types.T{
	"oid": types.Oid, "xid": types.Xid, "regproc": types.Regproc, "regtype": types.Regtype,
	"name": types.Name, "text": types.Text, "pg_node_tree": types.PgNodeTree, "inet": types.Text, "anyarray": planner.AnyArrayType,
	`"char"`: types.Char, "boolean": types.Bool, "bigint": types.Int8, "integer": types.Int4, "smallint": types.Int2,
	"real": types.Float4, "float8": types.Float8, "numeric": types.Numeric, "timestamptz": types.TimestampTZ, "interval": types.Interval,
	"bytea": types.Bytea, "text[]": types.TextArray, "aclitem[]": types.AclitemArray, `"char"[]`: types.CharArray,
	"regtype[]": types.TextArray, "oid[]": types.OidArray, "oidvector": types.OidVector,
	"smallint[]": types.Int2Array, "int2vector": types.Int2Vector, "real[]": types.Float4Array,
	"sql_identifier": types.Name, "cardinal_number": types.Int4, "character_data": types.Varchar,
	"yes_or_no": types.Varchar, "time_stamp": types.TimestampTZ,
}

func init() {
	for _, s := range relSpecs {
		d := &relDef{relSpec: s, byName: map[string]int{}}
		for i, c := range strings.Split(s.cols, ", ") {
			name, typ, _ := strings.Cut(c, " ")
			nn := strings.HasSuffix(typ, "!")
			typ = strings.TrimSuffix(typ, "!")
			t := typeOf[typ]
			if t == nil {
				panic(fmt.Sprintf("pgcatalog: %s.%s: unknown column type %q", s.schema, s.name, typ))
			}
			d.columns = append(d.columns, planner.Column{Name: name, Type: t, Typmod: -1, TableOID: s.oid, AttNum: int16(i + 1)})
			d.notNull = append(d.notNull, nn)
			d.byName[name] = i
		}
		defs = append(defs, d)
		byName[s.schema+"."+s.name] = d
		byOID[s.oid] = d
	}
}

// Lookup returns the virtual relation schema.name read from src, or nil.
// An empty schema means the search path, where pg_catalog comes first
// (information_schema is not on it).
func Lookup(schema, name string, src Source) *Relation {
	if schema == "" {
		schema = "pg_catalog"
	}
	d := byName[schema+"."+name]
	if d == nil {
		return nil
	}
	return &Relation{def: d, src: src}
}

// IsCatalogSchema reports whether schema holds only virtual relations.
func IsCatalogSchema(schema string) bool {
	return schema == "pg_catalog" || schema == "information_schema"
}

// Relation is a virtual catalog relation bound to the Source it reads. It
// implements planner.Table and eval.Scannable.
type Relation struct {
	def *relDef
	src Source
}

var (
	_ planner.Table  = (*Relation)(nil)
	_ eval.Scannable = (*Relation)(nil)
)

// OID is the relation's pg_class OID (PostgreSQL's).
func (r *Relation) OID() uint32 { return r.def.oid }

// Name is the relation name.
func (r *Relation) Name() string { return r.def.name }

// Schema is the relation's schema: pg_catalog or information_schema.
func (r *Relation) Schema() string { return r.def.schema }

// Columns lists the relation's columns in PostgreSQL's order.
func (r *Relation) Columns() []planner.Column { return r.def.columns }

// Scan computes the relation's rows from the live catalog.
func (r *Relation) Scan(ctx context.Context) (eval.Rows, error) {
	return &sliceRows{rows: r.Rows()}, nil
}

// Rows computes every row now.
func (r *Relation) Rows() [][]types.Datum {
	b := &builder{d: r.def}
	// Looked up at scan time: builders of other files register in their
	// own init, which may run after this file's.
	if build := builders[r.def.name]; build != nil {
		build(b, r.src)
	}
	return b.rows
}

type sliceRows struct {
	rows [][]types.Datum
	i    int
}

func (s *sliceRows) Next() ([]types.Datum, error) {
	if s.i >= len(s.rows) {
		return nil, io.EOF
	}
	s.i++
	return s.rows[s.i-1], nil
}

func (s *sliceRows) Close() { s.rows = nil }

// builder collects a relation's rows.
type builder struct {
	d    *relDef
	rows [][]types.Datum
}

// add appends a row given as column name, value pairs. Columns left out
// are NULL, or the type's zero value when the column is NOT NULL
// (PostgreSQL's catalogs are full of 0, false and ” there).
func (b *builder) add(kv ...any) {
	row := make([]types.Datum, len(b.d.columns))
	for i := 0; i+1 < len(kv); i += 2 {
		name := kv[i].(string)
		j, ok := b.d.byName[name]
		if !ok {
			panic(fmt.Sprintf("pgcatalog: %s has no column %s", b.d.name, name))
		}
		row[j] = normalize(kv[i+1])
		if a, ok := row[j].(*types.Array); ok {
			if a.Elem == nil {
				a.Elem = b.d.columns[j].Type.Elem
			}
			if types.IsVector(b.d.columns[j].Type) {
				a.LowerOff = -1 // int2vector/oidvector subscript from 0
			}
		}
	}
	for j, v := range row {
		if v == nil && b.d.notNull[j] {
			row[j] = zero(b.d.columns[j].Type)
		}
	}
	b.rows = append(b.rows, row)
}

// normalize turns the Go values row builders use into datums.
func normalize(v any) types.Datum {
	switch x := v.(type) {
	case int:
		return int64(x)
	case uint32:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case float32:
		return float64(x)
	case []int64:
		a := &types.Array{Elems: make([]any, len(x))}
		for i, e := range x {
			a.Elems[i] = e
		}
		return a
	case []string:
		a := &types.Array{Elem: types.Text, Elems: make([]any, len(x))}
		for i, e := range x {
			a.Elems[i] = e
		}
		return a
	}
	return v
}

func zero(t *types.T) types.Datum {
	switch t.OID {
	case types.OidBool:
		return false
	case types.OidFloat4, types.OidFloat8:
		return float64(0)
	case types.OidText, types.OidName, types.OidChar, types.OidVarchar:
		return ""
	case types.OidInt2, types.OidInt4, types.OidInt8, types.OidOid, types.OidRegproc, types.OidRegtype, types.OidRegclass:
		return int64(0)
	case types.OidBytea:
		return []byte{}
	}
	if types.IsVector(t) {
		return types.NewVector(t, nil)
	}
	if t.Elem != nil {
		return &types.Array{Elem: t.Elem}
	}
	switch t.OID {
	case types.OidXid, types.OidCid:
		return int64(0)
	}
	return nil
}
