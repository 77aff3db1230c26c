package pgcatalog

//go:generate go run gen_pgdata.go

// The row types of the generated pgdata_*.go files: PostgreSQL 15's
// built-in catalog rows, one struct literal per row in column order, so
// that the data costs a few hundred kilobytes of read-only memory and no
// start-up work. builtins.go decides which rows nqdb lists.

// nullText stands for SQL NULL in the generated nullable text columns.
const nullText = "\x00"

// pgProc is one pg_proc row. Args is proargtypes' text form (OIDs
// separated by spaces); AllArgs, Modes and Names are the array columns'
// text forms ("" for NULL). Src is prosrc, "" when it is the name. FArgs,
// FIdArgs and FResult are what pg_get_function_arguments,
// _identity_arguments and _result print; FIdArgs is "" when it is FArgs.
// Def is pg_get_functiondef's text for the SQL-standard bodies PostgreSQL
// deparses from prosqlbody ("" for the others, whose text is composed
// from the row as ruleutils.c does).
type pgProc struct {
	OID                 uint32
	Name                string
	Lang                uint32
	Args                string
	Ret                 uint32
	Kind, Vol, Par      byte
	Cost, Rows          float64
	Variadic, Support   uint32
	Strict, RetSet      bool
	SecDef, Leakproof   bool
	NArgs, NArgDefaults int16
	AllArgs, Modes      string
	Names, Src          string
	FArgs, FIdArgs      string
	FResult, Bin        string
	Def                 string
}

// pgOperator is one pg_operator row (every operator is in pg_catalog and
// owned by the bootstrap superuser).
type pgOperator struct {
	OID                 uint32
	Name                string
	Kind                byte
	CanMerge, CanHash   bool
	Left, Right, Result uint32
	Com, Negate         uint32
	Code, Rest, Join    uint32
}

// pgCast is one pg_cast row.
type pgCast struct {
	OID, Source, Target, Func uint32
	Context, Method           byte
}

// pgConversion is one pg_conversion row.
type pgConversion struct {
	OID     uint32
	Name    string
	For, To int32
	Proc    uint32
	Default bool
}

// pgAggregate is one pg_aggregate row; InitVal and MInitVal are nullText
// when NULL.
type pgAggregate struct {
	Fn                              uint32
	Kind                            byte
	NumDirectArgs                   int16
	TransFn, FinalFn, CombineFn     uint32
	SerialFn, DeserialFn            uint32
	MTransFn, MInvTransFn, MFinalFn uint32
	FinalExtra, MFinalExtra         bool
	FinalModify, MFinalModify       byte
	SortOp, TransType               uint32
	TransSpace                      int32
	MTransType                      uint32
	MTransSpace                     int32
	InitVal, MInitVal               string
}

// pgOpfamily is one pg_opfamily row.
type pgOpfamily struct {
	OID, Method uint32
	Name        string
}

// pgOpclass is one pg_opclass row.
type pgOpclass struct {
	OID, Method    uint32
	Name           string
	Family, InType uint32
	Default        bool
	KeyType        uint32
}

// pgAmop is one pg_amop row.
type pgAmop struct {
	OID, Family, Left, Right uint32
	Strategy                 int16
	Purpose                  byte
	Opr, Method, SortFamily  uint32
}

// pgAmproc is one pg_amproc row.
type pgAmproc struct {
	OID, Family, Left, Right uint32
	Num                      int16
	Proc                     uint32
}

// pgDescription is one pg_description row of a built-in object
// (objsubid 0).
type pgDescription struct {
	Class, Obj uint32
	Text       string
}

// pgTypeName is a built-in type's OID, format_type name and support
// functions (pg_type's regproc columns).
type pgTypeName struct {
	OID                            uint32
	Name                           string
	Input, Output, Receive, Send   uint32
	ModIn, ModOut, Analyze, Subscr uint32
}
