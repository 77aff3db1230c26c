package executor

import (
	"sort"
	"time"

	"github.com/neuroquantumdb/nqdb/executor/pgcatalog"
)

// preparedListing is a named prepared statement's row of
// pg_prepared_statements: the text as prepared (the whole PREPARE for
// SQL-level ones), when, and how.
type preparedListing struct {
	text    string
	at      time.Time
	fromSQL bool
}

// PreparedStatements implements pgcatalog.PreparedSource: the session's
// named prepared statements, by name.
func (c catalogSource) PreparedStatements() []pgcatalog.PreparedInfo {
	var out []pgcatalog.PreparedInfo
	for name, p := range c.s.prepared {
		if name == "" || p.listed == nil {
			continue
		}
		pi := pgcatalog.PreparedInfo{Name: name, Statement: p.listed.text, Time: p.listed.at, FromSQL: p.listed.fromSQL,
			GenericPlans: p.plans.generic, CustomPlans: p.plans.custom}
		for _, t := range p.ParamTypes {
			pi.ParamTypes = append(pi.ParamTypes, uint32(t.OID))
		}
		out = append(out, pi)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
