package server

import "github.com/jackc/pgx/v5/pgproto3"

// SetStatementHook installs f to see every statement message before it is
// handled (nil removes it). Tests use it to make a statement panic.
func SetStatementHook(f func(pgproto3.FrontendMessage)) {
	if f == nil {
		statementHook.Store(nil)
		return
	}
	statementHook.Store(&f)
}
