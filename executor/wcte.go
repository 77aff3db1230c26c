package executor

import (
	"context"
	"errors"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/storage"
)

// buildErrorPosition maps the position of a planning error into stmt's
// text. Errors in a WITH item that sql/parser parsed on its own
// (planner.WithItemError) are mapped with that item's statement, whose
// Text and Offset are stmt's; errors in UPDATE's FROM / DELETE's USING
// list and in a RETURNING list are in those lists' own texts.
func buildErrorPosition(err error, stmt *parser.Statement) error {
	var we *planner.WithItemError
	if errors.As(err, &we) {
		if we.Stmt == nil {
			// Already a position in the statement's text.
			return pgerror.From(we.Err)
		}
		return buildErrorPosition(we.Err, we.Stmt)
	}
	var fe *planner.FromListError
	if errors.As(err, &fe) {
		return fromListPosition(fe.Err, stmt)
	}
	var re *planner.ReturningError
	if errors.As(err, &re) {
		if stmt.Returning == nil || pgerror.From(re.Err).Position <= 0 {
			return pgerror.From(re.Err)
		}
		// The position is in the RETURNING list's own text.
		return returningPosition(re.Err, stmt)
	}
	return userPosition(err, stmt)
}

// readViewKey is the context key of a statement's frozen read view.
type readViewKey struct{}

// FreezeReads implements eval.ReadFreezer: reads under the returned
// context see the transaction as it is now (storage.Txn.ReadView), which
// gives the sub-statements of a statement with data-modifying WITH items
// one snapshot, as in PostgreSQL.
func (s *Session) FreezeReads(ctx context.Context) context.Context {
	return context.WithValue(ctx, readViewKey{}, s.storageTxn().ReadView())
}

// frozenTxn is the read view FreezeReads put in ctx, or nil.
func frozenTxn(ctx context.Context) *storage.Txn {
	v, _ := ctx.Value(readViewKey{}).(*storage.Txn)
	return v
}
