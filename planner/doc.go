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
// The planner does not evaluate anything except unknown-typed literals
// cast to a known type (folded at bind time, as PostgreSQL does, so that
// `'abc'::int` fails when the statement is prepared). Operators and
// functions are identified by FuncID; executor/eval holds their
// implementations in a table indexed by that ID, which keeps this package
// free of run-time code and the evaluator free of map look-ups.
//
// What is planned: SELECT with or without FROM (a table through Catalog,
// a subquery, a UNION [ALL] chain), WHERE, GROUP BY / HAVING with count,
// sum, avg, min, max, bool_and/or, string_agg and array_agg, DISTINCT,
// ORDER BY (output names, positions or input expressions), LIMIT/OFFSET,
// uncorrelated subqueries in expressions (scalar, EXISTS, IN, op ANY/ALL),
// ARRAY[...] and op ANY/ALL (array). Joins, correlated subqueries, window
// functions, set-returning functions and DML are not planned yet and
// return 0A000.
//
// Positions in errors come from TiDB node offsets, which refer to the
// text sql/parser gave TiDB (Statement.Rewritten); operators and keywords
// that the AST does not locate are found by scanning that text.
package planner
