package pgcatalog

import (
	"time"

	"github.com/neuroquantumdb/nqdb/sql/types"
)

// pg_stat_activity, pg_stat_database and pg_sequences.

// Backend is one session's row of pg_stat_activity.
type Backend struct {
	PID                                            int32
	User, Database, Application, ClientAddr, State string
	Query                                          string
	ClientPort                                     int32
	BackendStart, XactStart, QueryStart            time.Time
	StateChange                                    time.Time
}

// DatabaseStats are pg_stat_database's counters for the database.
type DatabaseStats struct {
	Backends           int
	Commits, Rollbacks int64
}

// ActivitySource is a Source that knows the server's sessions.
type ActivitySource interface {
	Backends() []Backend
	DatabaseStats() DatabaseStats
}

// tsOrNull is a time as timestamptz, NULL when zero.
func tsOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return types.TimestampTZFromTime(t)
}

func buildStatActivity(b *builder, src Source) {
	as, ok := src.(ActivitySource)
	if !ok {
		return
	}
	for _, a := range as.Backends() {
		var addr, port any
		if a.ClientAddr != "" {
			addr, port = a.ClientAddr, a.ClientPort
		} else {
			port = -1 // a Unix-domain socket
		}
		b.add("datid", DatabaseOID, "datname", a.Database, "pid", a.PID, "usesysid", RolePostgres, "usename", a.User,
			"application_name", a.Application, "client_addr", addr, "client_port", port,
			"backend_start", tsOrNull(a.BackendStart), "xact_start", tsOrNull(a.XactStart), "query_start", tsOrNull(a.QueryStart),
			"state_change", tsOrNull(a.StateChange), "state", a.State, "query", a.Query, "backend_type", "client backend")
	}
}

func buildStatDatabase(b *builder, src Source) {
	var st DatabaseStats
	if as, ok := src.(ActivitySource); ok {
		st = as.DatabaseStats()
	}
	// PostgreSQL 15 lists the shared catalogs (datid 0), then each
	// database; nqdb has one database (and the templates psql expects
	// in pg_database but which never see a session).
	b.add("datid", 0, "numbackends", 0)
	b.add("datid", DatabaseOID, "datname", src.Database(), "numbackends", st.Backends,
		"xact_commit", st.Commits, "xact_rollback", st.Rollbacks)
}

func buildSequences(b *builder, src Source) {
	for _, q := range sortedSequences(src) {
		b.add("schemaname", orPublic(q.Schema), "sequencename", q.Name, "sequenceowner", "postgres",
			"data_type", q.TypeOID, "start_value", q.Start, "min_value", q.Min, "max_value", q.Max,
			"increment_by", q.Increment, "cycle", q.Cycle, "cache_size", 1, "last_value", q.LastValue)
	}
}

func init() {
	builders["pg_stat_activity"] = buildStatActivity
	builders["pg_stat_database"] = buildStatDatabase
	builders["pg_sequences"] = buildSequences
}

// PreparedInfo is one row of pg_prepared_statements.
type PreparedInfo struct {
	Name, Statement string
	Time            time.Time
	ParamTypes      []uint32
	FromSQL         bool
	// GenericPlans and CustomPlans count the plans of each kind used.
	GenericPlans, CustomPlans int64
}

// PreparedSource is a Source that knows the session's prepared statements.
type PreparedSource interface {
	PreparedStatements() []PreparedInfo
}

func buildPreparedStatements(b *builder, src Source) {
	ps, ok := src.(PreparedSource)
	if !ok {
		return
	}
	for _, p := range ps.PreparedStatements() {
		names := make([]any, len(p.ParamTypes))
		for i, oid := range p.ParamTypes {
			names[i], _ = FormatType(oid, -1)
		}
		b.add("name", p.Name, "statement", p.Statement, "prepare_time", tsOrNull(p.Time),
			"parameter_types", &types.Array{Elem: types.Text, Elems: names}, "from_sql", p.FromSQL,
			"generic_plans", p.GenericPlans, "custom_plans", p.CustomPlans)
	}
}

func init() { builders["pg_prepared_statements"] = buildPreparedStatements }
