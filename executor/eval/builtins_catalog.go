package eval

import (
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"math/big"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/apd/v3"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// CatalogEnv is implemented by an Env that can describe the objects of
// the live catalog (the executor's Session, through executor/pgcatalog).
// The system information functions use it; without it they answer as for
// an empty database.
type CatalogEnv interface {
	// CatalogIndexDef is pg_get_indexdef(oid, column): ok false when no
	// index has that OID.
	CatalogIndexDef(oid uint32, column int) (def string, ok bool)
	// CatalogConstraintDef is pg_get_constraintdef(oid).
	CatalogConstraintDef(oid uint32) (def string, ok bool)
	// CatalogRelationExists reports whether a relation (table, index or
	// catalog relation) has the OID; pg_table_is_visible is true for
	// every relation nqdb has, since all live in the search path.
	CatalogRelationExists(oid uint32) bool
	// CatalogRoleName is pg_get_userbyid.
	CatalogRoleName(oid uint32) string
	// CatalogRegclass resolves a possibly qualified relation name, for
	// to_regclass; ok false when there is none.
	CatalogRegclass(name string) (oid uint32, ok bool)
	// TxidCurrent is txid_current(): the current transaction's id.
	TxidCurrent() int64
}

// QuoteIdent is quote_ident(): s double-quoted when it is not a plain
// lower-case identifier or is a reserved word.
func QuoteIdent(s string) string { return string(appendQuoteIdent(nil, s)) }

// startTime is pg_postmaster_start_time(): when the process started.
var startTime = time.Now()

// txidFallback numbers txid_current() for an Env without CatalogEnv.
var txidFallback atomic.Int64

func catalogEnv(c *evalCtx) CatalogEnv {
	ce, _ := c.env.(CatalogEnv)
	return ce
}

// encodingNames is PostgreSQL's pg_enc2name_tbl, indexed by encoding id.
var encodingNames = []string{"SQL_ASCII", "EUC_JP", "EUC_CN", "EUC_KR", "EUC_TW", "EUC_JIS_2004", "UTF8",
	"MULE_INTERNAL", "LATIN1", "LATIN2", "LATIN3", "LATIN4", "LATIN5", "LATIN6", "LATIN7", "LATIN8", "LATIN9",
	"LATIN10", "WIN1256", "WIN1258", "WIN866", "WIN874", "KOI8R", "WIN1251", "WIN1252", "ISO_8859_5",
	"ISO_8859_6", "ISO_8859_7", "ISO_8859_8", "WIN1250", "WIN1253", "WIN1254", "WIN1255", "WIN1257", "KOI8U",
	"SJIS", "BIG5", "GBK", "UHC", "GB18030", "JOHAB", "SHIFT_JIS_2004"}

// pseudoTypes are the pseudo-types format_type knows beyond sql/types.
var pseudoTypes = map[types.OID]*types.T{
	types.OidAny: planner.AnyType, types.OidAnyArray: planner.AnyArrayType,
	types.OidAnyElement: {OID: types.OidAnyElement, Name: "anyelement", SQLName: "anyelement", Len: 4, Category: types.CatPseudo},
}

func oidArg(d types.Datum) uint32 { return uint32(d.(int64)) }

func init() {
	impls[planner.FnFormatType] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		if a[0] == nil {
			return nil, nil
		}
		t := types.ByOID(oidArg(a[0]))
		if t == nil {
			t = pseudoTypes[oidArg(a[0])]
		}
		if t == nil && c.opts != nil && c.opts.TypeName != nil {
			if n, ok := c.opts.TypeName(a[0].(int64)); ok {
				return n, nil // an enum or a domain
			}
		}
		if t == nil {
			return "???", nil
		}
		typmod := int32(-1)
		if a[1] != nil {
			typmod = int32(a[1].(int64))
		} else if t.OID == types.OidBpchar {
			// format_type(bpchar, NULL) is "character"; with typmod -1
			// it is "bpchar" (CHARACTER alone would mean character(1)).
			return "character", nil
		}
		return types.FormatType(t, typmod), nil
	}
	impls[planner.FnPgGetIndexdef] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		ce := catalogEnv(c)
		if ce == nil {
			return nil, nil
		}
		col := 0
		if len(a) > 1 {
			col = int(a[1].(int64))
		}
		if def, ok := ce.CatalogIndexDef(oidArg(a[0]), col); ok {
			return def, nil
		}
		return nil, nil
	}
	impls[planner.FnPgGetTriggerdef] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return nil, nil
	}
	impls[planner.FnPgGetConstraintdef] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		if ce := catalogEnv(c); ce != nil {
			// pg_get_constraintdef(oid, true) prints CHECK expressions
			// with fewer parentheses.
			if pe, ok := ce.(interface {
				CatalogConstraintDefPretty(uint32, bool) (string, bool)
			}); ok && len(a) > 1 {
				if def, ok := pe.CatalogConstraintDefPretty(oidArg(a[0]), a[1] == true); ok {
					return def, nil
				}
				return nil, nil
			}
			if def, ok := ce.CatalogConstraintDef(oidArg(a[0])); ok {
				return def, nil
			}
		}
		return nil, nil
	}
	impls[planner.FnPgTableIsVisible] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		if ce := catalogEnv(c); ce != nil && ce.CatalogRelationExists(oidArg(a[0])) {
			return true, nil
		}
		return nil, nil
	}
	impls[planner.FnPgTypeIsVisible] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		if types.ByOID(oidArg(a[0])) != nil || pseudoTypes[oidArg(a[0])] != nil {
			return true, nil
		}
		if tv, ok := c.env.(interface {
			CatalogTypeVisible(oid uint32) (visible, known bool)
		}); ok {
			if vis, known := tv.CatalogTypeVisible(oidArg(a[0])); known {
				return vis, nil
			}
		}
		// A table's or view's row type (types.RowTypeOID): visible with
		// its relation.
		if rel, _, ok := types.RowTypeRelation(oidArg(a[0])); ok {
			if ce := catalogEnv(c); ce != nil && ce.CatalogRelationExists(rel) {
				return true, nil
			}
		}
		return nil, nil
	}
	impls[planner.FnPgGetUserByID] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		if ce := catalogEnv(c); ce != nil {
			return ce.CatalogRoleName(oidArg(a[0])), nil
		}
		if oidArg(a[0]) == 10 {
			return "postgres", nil
		}
		return "unknown (OID=" + strconv.FormatInt(a[0].(int64), 10) + ")", nil
	}
	// nqdb has no COMMENT ON: every description is NULL.
	impls[planner.FnObjDescription] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return nil, nil
	}
	// Expressions are stored as their text (see executor/pgcatalog).
	impls[planner.FnPgGetExpr] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return a[0], nil
	}
	impls[planner.FnHasPrivilege] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return true, nil
	}
	impls[planner.FnPgEncodingToChar] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		if n := a[0].(int64); n >= 0 && n < int64(len(encodingNames)) {
			return encodingNames[n], nil
		}
		return "", nil
	}
	impls[planner.FnPgSizePretty] = fnSizePretty
	impls[planner.FnPgPostmasterStartTime] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return types.TimestampTZFromTime(startTime), nil
	}
	impls[planner.FnPgIsInRecovery] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return false, nil
	}
	impls[planner.FnTxidCurrent] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		if ce := catalogEnv(c); ce != nil {
			return ce.TxidCurrent(), nil
		}
		return txidFallback.Add(1), nil
	}
	// No extended statistics exist.
	impls[planner.FnPgGetStatisticsobjdefColumns] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return nil, nil
	}
	// User tables are publishable; catalog relations (OIDs below
	// FirstNormalObjectId) are not.
	impls[planner.FnPgRelationIsPublishable] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return oidArg(a[0]) >= 16384, nil
	}
	impls[planner.FnRegclassIn] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		if ce := catalogEnv(c); ce != nil {
			if oid, ok := ce.CatalogRegclass(a[0].(string)); ok {
				return int64(oid), nil
			}
		}
		return nil, nil
	}
}

// sizeUnits is PostgreSQL 15's size_pretty_units: each unit is used below
// its limit; the rounded ones halve-round.
var sizeUnits = []struct {
	name     string
	limit    int64
	round    bool
	unitbits uint
}{{"bytes", 10 * 1024, false, 0}, {"kB", 20*1024 - 1, true, 10}, {"MB", 20*1024 - 1, true, 20},
	{"GB", 20*1024 - 1, true, 30}, {"TB", 20*1024 - 1, true, 40}, {"PB", 20*1024 - 1, true, 50}}

// fnSizePretty is pg_size_pretty for bigint and numeric, PostgreSQL's
// algorithm on arbitrary-precision integers (numeric arguments are
// truncated to integers first, as numeric division does here).
func fnSizePretty(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
	size := new(big.Int)
	switch v := a[0].(type) {
	case int64:
		size.SetInt64(v)
	case *apd.Decimal:
		var t apd.Decimal
		if _, err := apd.BaseContext.RoundToIntegralValue(&t, v); err != nil || t.Form != apd.Finite {
			return "NaN bytes", nil
		}
		bi := t.Coeff.MathBigInt()
		if t.Negative {
			bi.Neg(bi)
		}
		for e := t.Exponent; e > 0; e-- {
			bi.Mul(bi, big.NewInt(10))
		}
		size = bi
	}
	abs := new(big.Int)
	for i, u := range sizeUnits {
		abs.Abs(size)
		last := i == len(sizeUnits)-1
		if last || abs.Cmp(big.NewInt(u.limit)) < 0 {
			if u.round {
				halfRound(size)
			}
			return size.String() + " " + u.name, nil
		}
		next := sizeUnits[i+1]
		bits := next.unitbits - u.unitbits
		if next.round {
			bits--
		}
		if u.round {
			bits++
		}
		size.Quo(size, new(big.Int).Lsh(big.NewInt(1), bits))
	}
	return nil, nil
}

// halfRound is PostgreSQL's half_rounded: (x + sign(x)) / 2, truncating.
func halfRound(x *big.Int) {
	if x.Sign() < 0 {
		x.Sub(x, big.NewInt(1))
	} else {
		x.Add(x, big.NewInt(1))
	}
	x.Quo(x, big.NewInt(2))
}

// backendSignaler is the session side of pg_cancel_backend and
// pg_terminate_backend (executor/activity.go).
type backendSignaler interface {
	SignalBackend(pid int32, terminate bool) bool
}

func init() {
	signal := func(terminate bool) implFn {
		return func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
			if len(a) > 1 && a[1].(int64) < 0 {
				return nil, pgerror.New(pgerror.InvalidParameterValue, "\"timeout\" must not be negative")
			}
			bs, ok := c.env.(backendSignaler)
			if !ok {
				return false, nil
			}
			return bs.SignalBackend(int32(a[0].(int64)), terminate), nil
		}
	}
	impls[planner.FnPgCancelBackend] = signal(false)
	impls[planner.FnPgTerminateBackend] = signal(true)
}

// lockReporter is the session side of pg_blocking_pids
// (executor/locks_view.go).
type lockReporter interface {
	BlockingPIDs(pid int32) []int32
}

func init() {
	impls[planner.FnPgTablespaceLocation] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		return "", nil
	}
	impls[planner.FnPgBlockingPids] = func(c *evalCtx, x *planner.Call, a []types.Datum) (types.Datum, error) {
		arr := &types.Array{Elem: types.Int4, Elems: []any{}}
		if lr, ok := c.env.(lockReporter); ok {
			for _, pid := range lr.BlockingPIDs(int32(a[0].(int64))) {
				arr.Elems = append(arr.Elems, int64(pid))
			}
		}
		return arr, nil
	}
}
