// Package planner turns a parsed statement (a TiDB AST whose PostgreSQL
// syntax sql/parser has already rewritten) into a bound, typed, immutable
// plan: a tree of Nodes whose expressions are Exprs with resolved types,
// operators and functions.
//
// Binding follows PostgreSQL 15's parse analysis, not MySQL's: string
// literals start as type unknown and take their type from context;
// operators and functions are chosen among overloads with PostgreSQL's
// resolution rules (exact match, implicit casts, preferred types,
// unknown-literal categories); $n parameters without a declared type get
// the type their first use coerces them to. Implicit casts are made
// explicit as Cast nodes, so the executor never has to guess a type.
//
// Unknown-typed literals cast to a known type are parsed while binding, as
// PostgreSQL does, so that `'abc'::int` fails when the statement is
// prepared. Once a statement is bound, immutable operators, functions and
// casts over constants are folded (fold.go, after eval_const_expressions),
// so `SELECT 1/0` also fails at Build, before any row is described.
// Operators and functions are identified by FuncID; executor/eval holds
// their implementations in a table indexed by that ID (and evaluates
// folded expressions through SetConstEvaluator), which keeps this package
// free of run-time code and the evaluator free of map look-ups.
//
// INSERT, UPDATE and DELETE (dml.go) plan into Insert, Update and Delete
// nodes whose expressions already carry PostgreSQL's assignment casts to
// the column types and typmods; $n in a VALUES list or SET takes the
// column's type. NOT NULL is checked by the executor.
//
// What is planned: SELECT with or without FROM (a table through Catalog,
// a subquery, a UNION [ALL] chain), WHERE, GROUP BY / HAVING with count,
// sum, avg, min, max, bool_and/or, string_agg and array_agg, DISTINCT,
// ORDER BY (output names, positions or input expressions), LIMIT/OFFSET,
// uncorrelated subqueries in expressions (scalar, EXISTS, IN, op ANY/ALL),
// ARRAY[...] and op ANY/ALL (array), joins (inner, left, right), INSERT
// (VALUES or a query), UPDATE and DELETE. Correlated subqueries, window
// functions, set-returning functions, RETURNING, ON CONFLICT and DEFAULT
// expressions are not planned yet.
//
// Positions in errors are 1 + a BYTE offset into the text sql/parser gave
// TiDB (Statement.Rewritten): TiDB node offsets, or, for operators and
// keywords the AST does not locate, offsets found by scanning that text.
// The executor maps them into the client's text with Statement.Position.
package planner
