// Package parser is nqdb's PostgreSQL dialect front end.
//
// PostgreSQL text never reaches the TiDB (MySQL) grammar raw: the two
// dialects lex differently ('..' escapes, E'..', $$..$$, "x", $1, --, #,
// /*! */), so the same text can parse silently wrong. Parse therefore runs in
// three stages:
//
//  1. Our own lexer (lexer.go) follows PostgreSQL 15's scan.l: strings of
//     every kind are decoded, unquoted identifiers folded to lower case,
//     comments (nested /* */ included) dropped, $n recognised. Statements are
//     split at ';' tokens; empty ones vanish.
//  2. Statements chosen by their first word (SET, SHOW, BEGIN, COPY,
//     EXPLAIN, ...; see utility.go) go to a small hand-written parser that
//     returns Utility nodes. EXPLAIN, PREPARE and COPY (query) parse their
//     inner statement recursively.
//  3. Everything else is rewritten token by token (rewrite.go) into text for
//     the TiDB parser in ANSI_QUOTES|PIPES_AS_CONCAT|NO_BACKSLASH_ESCAPES
//     mode: strings become plain '..' literals, identifiers are backquoted
//     (so MySQL-reserved names such as key, rank, read survive and "Name"
//     keeps its case), $n becomes ? and the markers get Order n-1 after
//     parsing. PostgreSQL constructs the grammar lacks become calls of
//     functions with reserved names that the binder recognises:
//     CastFunc (x::t, CAST(x AS t), t 'lit', B'..'), ArrayFunc,
//     ArraySubqueryFunc, AnyFunc/AllFunc, SubscriptFunc/SliceFunc,
//     NullsFirstFunc/NullsLastFunc; OPERATOR(pg_catalog.op) becomes op,
//     ~ and friends become REGEXP, IS [NOT] DISTINCT FROM becomes <=>,
//     LIMIT/OFFSET/FETCH expressions and window frames TiDB cannot parse
//     travel in a carrier statement appended to the text (limit.go,
//     frame.go), FULL JOIN becomes a marked LEFT JOIN (fulljoin.go), set-returning
//     functions in FROM become LATERAL derived tables, COLLATE clauses are
//     dropped. rewrite_pg.go adds the constructs that need operand extents
//     (found with PostgreSQL's gram.y precedences): JSON operators become
//     OpFunc calls, || gets parentheses where TiDB would bind it tighter
//     than + - * /, AT TIME ZONE becomes timezone(z, x), SIMILAR TO
//     becomes REGEXP similar_to_escape(p), EXTRACT/SUBSTRING/OVERLAY with
//     keywords become plain calls, aggregate DISTINCT/ORDER BY/FILTER/
//     WITHIN GROUP travel in a trailing AggModsFunc argument, and VALUES
//     in FROM becomes a UNION ALL whose column alias list is moved into
//     the select list after parsing. operators.go: prefix @ |/ ||/ and
//     binary # become OpFunc calls, a VARIADIC argument a VariadicFunc
//     call; values.go: a VALUES query (statement, WITH body, subquery)
//     becomes SELECT * FROM (rows as UNION ALL) AS "*VALUES*";
//     aliaslist.go: a table with a column alias list in FROM becomes
//     LATERAL (SELECT * FROM t) AS f(cols), renamed by the planner.
//     field.go: field selection from a composite value, (expr).name and
//     (expr).*, becomes FieldFunc(expr, 'name'), and a function in FROM
//     is wrapped in FromFuncFunc so that the binder can expand a record
//     result into its columns.
//     DDL column types are mapped to TiDB types that merely parse;
//     the PostgreSQL type as written is kept in Statement.ColumnTypes.
//
// Every rewritten fragment remembers the user's token it came from, so a
// TiDB syntax error is reported as PostgreSQL would: `syntax error at or
// near "tok"` with the 1-based character position in the client's text, or
// `syntax error at end of input`. The same span map is kept in the
// Statement: Statement.Position turns a TiDB node offset (a byte offset in
// Rewritten) into the character position PostgreSQL reports, for the
// binder's errors.
//
// Adjacent string literals join only across white space containing a
// newline (SQL's continuation, done by the lexer); otherwise the second
// literal is a syntax error, where MySQL would concatenate silently.
//
// Same AST, different meaning (left to the binder): ^ is XOR to TiDB but
// power in PostgreSQL; / on integers truncates in PostgreSQL; count(*) is
// restored by TiDB as count(1).
//
// TiDB parsers are not safe for concurrent use and costly to create; a
// sync.Pool holds them.
package parser
