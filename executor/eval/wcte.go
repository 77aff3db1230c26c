package eval

import (
	"context"
	"time"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// runWrites runs a statement's data-modifying WITH items (planner.WriteCTE)
// once each, in order, before the main statement, and keeps each one's
// RETURNING rows in c.work for the WorkTableScans that read them.
// PostgreSQL runs such an item exactly once whether or not anything reads
// it, and whatever reads it sees the same rows.
func (c *evalCtx) runWrites(ws []*planner.WriteCTE) error {
	if len(ws) == 0 {
		return nil
	}
	if c.work == nil {
		c.work = make(map[*planner.WorkTable][][]types.Datum, len(ws))
	}
	// Every part of the statement reads the state from before its
	// writes, as PostgreSQL's sub-statements share one snapshot.
	if f, ok := c.env.(ReadFreezer); ok {
		c.ctx, c.frozen = f.FreezeReads(c.ctx), true
	}
	saved := c.written
	defer func() { c.written = saved }()
	for _, w := range ws {
		list := returningList(w.Node)
		c.written = nil
		if list != nil {
			c.written = [][]types.Datum{}
		}
		var err error
		t0 := time.Now()
		switch x := w.Node.(type) {
		case *planner.Insert:
			_, err = c.execInsert(x)
		case *planner.Update:
			_, err = c.execUpdate(x)
		case *planner.Delete:
			_, err = c.execDelete(x)
		default:
			err = pgerror.New(pgerror.FeatureNotSupported, "plan node %T is not a data-modifying statement", w.Node)
		}
		if err != nil {
			return err
		}
		rows := make([][]types.Datum, 0, len(c.written))
		for _, row := range c.written {
			v, err := c.evalList(list, row)
			if err != nil {
				return err
			}
			rows = append(rows, v)
		}
		c.work[w.Work] = rows
		if a := actualsOf(c.ctx); a != nil {
			// EXPLAIN ANALYZE: the item ran once; like PostgreSQL's
			// ModifyTable it counts the RETURNING rows it produced.
			d := time.Since(t0)
			a.set(w.Node, &planner.NodeStats{Loops: 1, Rows: int64(len(rows)), First: d, Total: d})
		}
	}
	return nil
}

// runQueryWrites is runWrites for a query (a SELECT whose WITH has
// data-modifying items): foreign keys are checked and their actions run
// once the writes are done, as for an INSERT, UPDATE or DELETE.
func (c *evalCtx) runQueryWrites(ws []*planner.WriteCTE) error {
	err := c.runWrites(ws)
	if se, ok := c.env.(StatementEnder); ok {
		err = se.EndStatement(c.ctx, err)
	}
	return mapCtxErr(err)
}

// ReadFreezer is implemented by a Store that can keep a statement's reads
// at the state from before the statement's own writes.
type ReadFreezer interface {
	// FreezeReads returns ctx carrying a view of the transaction as it
	// is now: Access for reading (write false) under the returned context
	// does not see writes made afterwards. Access for writing still sees
	// everything.
	FreezeReads(ctx context.Context) context.Context
}

// matchAccess is the access UPDATE and DELETE find their rows through:
// acc itself, or in a statement with data-modifying WITH items a read of
// the state from before the statement's writes (the rows found are then
// locked and changed through acc, whose Lock reports the newest state).
func (c *evalCtx) matchAccess(t planner.Table, acc TableAccess) TableAccess {
	if !c.frozen {
		return acc
	}
	if st, ok := c.env.(Store); ok {
		if r, ok, err := st.Access(c.ctx, t, false); ok && err == nil {
			return r
		}
	}
	return acc
}
