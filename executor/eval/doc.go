// Package eval runs planner.Query plans: it walks the plan's operator tree
// as pull-based iterators and evaluates bound expressions with PostgreSQL
// 15 semantics (three-valued logic, integer overflow and division errors,
// numeric scale rules, LIKE escapes).
//
// Operators and functions are looked up by planner.FuncID in a fixed
// table, so evaluating a call is an array index and an indirect call.
// Arguments are evaluated onto a per-run stack instead of fresh slices to
// keep allocations on the hot path down to the boxed results.
//
// Everything the session owns (settings, user, time of the transaction
// start, cancellation) reaches expressions through Env and the context
// given to Run. Tables are read through Scannable, which the catalog's
// planner.Table values implement once storage exists.
//
// Operators also pass rows in batches of up to 1024 where both sides
// can (batch.go): a stored table's scan and its filter are one operator
// that decodes rows itself (RawRows), the filter's columns first and the
// rest only for the rows that pass, with comparison kernels over the
// whole batch (batch_filter.go); projection, aggregation and a hash
// join's probe side read batches. Batch mode is asked for only by
// operators that read their whole input, so a LIMIT still stops the rows
// below it from being evaluated.
//
// Every scan Rows a query opens is closed exactly once, as early as the
// plan allows: at its end, when a LIMIT has its rows, when a Sort, Agg or
// a join's inner side has read its input, when a subquery has its value,
// and at the latest when the query's Rows end, fail or are closed (a
// portal dropped while suspended). Storage iterators pin pages and hold
// snapshots, so leaking one is not harmless (see the iterator type).
//
// INSERT, UPDATE and DELETE run through Exec (dml.go) against tables that
// implement Writable: every new row is computed and checked (NOT NULL)
// before the first write, so that a failing statement changes nothing even
// on the non-transactional stand-in storage.
//
// Casts, typmods, comparisons and text I/O are sql/types'.
package eval
