package eval

import (
	"io"

	"github.com/neuroquantumdb/nqdb/planner"
)

// findMatches collects the rows an UPDATE or DELETE changes: the rows of
// the table where holds for, or with a source (UPDATE ... FROM, DELETE
// ... USING) the rows of its join, each target row once (the first
// joined row that names it wins). A match's row is then the whole
// source row, which SET and RETURNING read; its first columns are the
// target row's.
func (c *evalCtx) findMatches(acc TableAccess, where planner.Expr, key *planner.KeyLookup, src *planner.DMLSource) ([]match, error) {
	if src == nil {
		return c.scanMatching(acc, where, key)
	}
	it, err := c.build(src.Plan)
	if err != nil {
		return nil, err
	}
	defer it.close()
	seen := map[string]bool{}
	var out []match
	for {
		row, err := it.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		k, _ := row[src.KeyCol].([]byte)
		if seen[string(k)] {
			continue
		}
		seen[string(k)] = true
		out = append(out, match{key: string(k), row: row})
		if len(out)%4096 == 0 {
			if err := c.ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
}
