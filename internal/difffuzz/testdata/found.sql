-- Bugs the differential fuzzer (internal/difffuzz) found in nqdb, each
-- shrunk to a minimal repro: set-up statements, then the query whose answer
-- differs from PostgreSQL 15's. `go test ./internal/difffuzz -run TestFound -v`
-- replays them and says which still differ. A knownBug... constant in
-- knownbugs.go names the case it stands for.

-- name: join-false-left-join
-- An inner join whose condition is false, then a LEFT JOIN: nqdb returns a
-- row (the LEFT JOIN seems to null-extend an empty left side).
-- PostgreSQL: 0 rows. nqdb: 1 row (0). knownBugJoinThenLeftJoin.
CREATE TABLE t0 (c4 numeric(10,2));
INSERT INTO t0 VALUES (1);
CREATE TABLE t1 (c3 int8);
SELECT 0 FROM t0 AS a175 JOIN t0 AS a176 ON false LEFT JOIN t1 AS a177 ON true;

-- name: intersect-except
-- PostgreSQL: 0 rows. nqdb: ERROR 0A000: INTERSECT is not supported yet
-- (likewise INTERSECT ALL, EXCEPT, EXCEPT ALL). knownBugIntersectExcept.
-- Implemented in the tree meanwhile (planner/setop.go): agrees now.
CREATE TABLE t0 (c0 int4);
SELECT c0 FROM t0 INTERSECT SELECT c0 FROM t0;

-- name: varchar-minmax
-- PostgreSQL: 1 row (NULL). nqdb: ERROR 42883: function max(character varying) does not exist
-- (min likewise). knownBugVarcharCompare.
CREATE TABLE t0 (c2 float8);
SELECT max('-1'::varchar) FROM t0 AS a181;

-- name: varchar-least
-- PostgreSQL: 0 rows. nqdb: ERROR 42883: could not identify a comparison
-- function for type character varying. knownBugVarcharCompare.
CREATE TABLE t1 (c0 varchar(8));
SELECT 1.5 FROM t1 AS a160 WHERE ('a' BETWEEN 'a' AND LEAST('a', a160.c0));

-- name: outer-aggregate
-- An aggregate whose arguments name only outer columns belongs to the outer
-- query (SQL standard, PostgreSQL): here it is in a JOIN condition, which
-- PostgreSQL refuses; nqdb evaluates it in the subquery. In a select list the
-- outer query becomes an aggregating one. knownBugOuterAggregate.
-- PostgreSQL: ERROR 42803: aggregate functions are not allowed in JOIN conditions. nqdb: 0 rows.
CREATE TABLE t0 (c1 numeric);
CREATE TABLE t2 (c1 text);
SELECT 1.5::float8 FROM t0 AS a106 JOIN t0 AS a107 ON (SELECT bool_and((0 IS DISTINCT FROM a107.c1)) FROM t2 AS a108);

-- name: outer-aggregate-select-list
-- The same in a select list: PostgreSQL aggregates the outer query (one row).
CREATE TABLE t0 (c0 int4);
INSERT INTO t0 VALUES (1), (2);
CREATE TABLE t1 (c0 int4);
INSERT INTO t1 VALUES (1);
SELECT (SELECT max(a.c0) FROM t1 AS b) FROM t0 AS a;

-- name: group-by-constant
-- (The generator leaves bare constants out of GROUP BY: integers are positions.)
-- PostgreSQL: ERROR 42601: non-integer constant in GROUP BY. nqdb: 0 rows.
CREATE TABLE t1 (c4 int8);
SELECT 'a' FROM t1 AS a116 GROUP BY 1.5;

-- name: group-by-true-aggregate
-- PostgreSQL: ERROR 42601: non-integer constant in GROUP BY. nqdb: ERROR
-- 42803: aggregate functions are not allowed in GROUP BY (GROUP BY true
-- seems to be taken as a reference to output column 1).
CREATE TABLE t0 (c4 numeric);
SELECT min(('a')::text) FROM t0 AS a464 GROUP BY true;

-- name: subquery-in-aggregate-query
-- PostgreSQL: 1 row (NULL). nqdb: ERROR 0A000: correlated subqueries outside
-- WHERE in a query with GROUP BY or aggregates are not supported yet.
-- knownBugSubqueryInAggregateQuery.
CREATE TABLE t1 (c0 int4);
CREATE TABLE t3 (c2 varchar(8));
SELECT bool_and((EXISTS (SELECT 0 FROM t3 AS a328 WHERE (0 > a327.c0)))) FROM t1 AS a327;

-- name: extract-expr
-- PostgreSQL: 0 rows. nqdb: ERROR 42601: syntax error at or near "COALESCE".
-- knownBugExtractExpr.
CREATE TABLE t1 (c4 int2);
SELECT EXTRACT(month FROM COALESCE(DATE '2020-01-01', DATE '2020-01-01')) FROM t1 AS a82;

-- name: group-by-expression-having
-- A GROUP BY expression repeated in HAVING is not matched to it.
-- knownBugGroupExprMatch.
-- PostgreSQL: 0 rows. nqdb: ERROR 42803: column "a101.c1" must appear in the
-- GROUP BY clause or be used in an aggregate function.
CREATE TABLE t2 (c1 int4);
SELECT TIMESTAMP '2020-01-01 00:00:00' FROM t2 AS a101 GROUP BY (abs(100.75) >= CASE WHEN ((100::float8) >= GREATEST(a101.c1, a101.c1)) THEN (3::float8) ELSE (0::float8) END) HAVING (abs(100.75) >= CASE WHEN ((100::float8) >= GREATEST(a101.c1, a101.c1)) THEN (3::float8) ELSE (0::float8) END);

-- name: group-by-expression-select
-- The same with the GROUP BY expression in the select list (CASE, IS NULL,
-- IS DISTINCT FROM, comparisons ... all fail; plain columns work).
-- PostgreSQL: 0 rows. nqdb: ERROR 42803: column "a2.c1" must appear in the
-- GROUP BY clause or be used in an aggregate function. knownBugGroupExprMatch.
CREATE TABLE t3 (c1 bool);
SELECT CASE WHEN a2.c1 THEN DATE '2021-05-15' ELSE DATE '2021-06-01' END FROM t3 AS a2 GROUP BY CASE WHEN a2.c1 THEN DATE '2021-05-15' ELSE DATE '2021-06-01' END;

-- name: group-by-position-zero
-- PostgreSQL folds (- 0) to the integer constant 0, a position.
-- PostgreSQL: ERROR 42P10: GROUP BY position 0 is not in select list. nqdb: 0 rows.
CREATE TABLE t0 (c2 text);
SELECT 0 FROM t0 AS a1376 GROUP BY (- 0);

-- name: subquery-in-group-by
-- PostgreSQL: 0 rows. nqdb: ERROR 0A000: correlated subqueries outside WHERE
-- in a query with GROUP BY or aggregates are not supported yet.
CREATE TABLE t1 (c2 int8);
SELECT 1.5::float8 FROM t1 AS a1756 GROUP BY (EXISTS (SELECT 0 FROM t1 AS a1758 WHERE (0 < a1756.c2)));

-- name: case-cast
-- Parser: a cast written after CASE ... END.
-- PostgreSQL: 0 rows. nqdb: ERROR 42601: syntax error at or near "END". knownBugCaseOperand.
CREATE TABLE t2 (c1 numeric(10,2));
SELECT CASE WHEN true THEN 1.5 ELSE 1.5 END::float8 FROM t2 AS a57;

-- name: distinct-from-case
-- Parser: IS DISTINCT FROM with a CASE operand.
-- PostgreSQL: 0 rows. nqdb: ERROR 42601: syntax error at or near "IS". knownBugCaseOperand.
CREATE TABLE t0 (c1 int4);
SELECT DATE '2020-01-01' FROM t0 AS a526 WHERE (TIMESTAMP '2020-01-01 00:00:00' IS DISTINCT FROM CASE WHEN true THEN TIMESTAMP '2020-01-01 00:00:00' ELSE TIMESTAMP '2020-01-01 00:00:00' END);

-- name: distinct-from-simple-case
-- Parser: IS DISTINCT FROM with a simple CASE operand is rewritten into
-- something that applies IS FALSE to an integer.
-- PostgreSQL: 0 rows. nqdb: ERROR 42804: argument of IS FALSE must be type
-- boolean, not type integer. knownBugCaseOperand.
CREATE TABLE t0 (c4 bool);
SELECT DATE '2020-01-01' FROM t0 AS a623 WHERE (EXISTS (SELECT 0 FROM t0 AS a624 WHERE (0 IS DISTINCT FROM CASE (-2) WHEN 0 THEN 0 ELSE 0 END)));

-- name: nullif-type
-- NULLIF(a, b) has the type of a (PostgreSQL resolves a = b, and returns a).
-- PostgreSQL: column type int2 (21). nqdb: int4 (23). Likewise
-- NULLIF(0, int8col): PostgreSQL int4, nqdb int8. knownBugNullifType.
CREATE TABLE t0 (c0 int2);
INSERT INTO t0 VALUES (NULL);
SELECT NULLIF(a1049.c0, 0) FROM t0 AS a1049;

-- name: setop-unknown-literal-type
-- DISTINCT resolves the unknown literal 'a' to text before the set
-- operation, so text EXCEPT ALL varchar is text.
-- PostgreSQL: column type text (25). nqdb: varchar (1043). knownBugSetOpUnknownType.
CREATE TABLE t2 (c0 varchar(8));
INSERT INTO t2 VALUES ('_b');
SELECT DISTINCT 'a' FROM t2 AS a192 EXCEPT ALL SELECT a193.c0 FROM t2 AS a193;

-- name: numeric-ceil-division
-- ceil/floor of a numeric quotient (many fraction digits) are wrong.
-- PostgreSQL: 1. nqdb: 0. Likewise floor(-0.5 / 7): PostgreSQL -1, nqdb 0.
-- knownBugNumericCeilFloor.
SELECT ceil((0.1 / 1.5));

-- name: numeric-ceil-literal
-- Literals: any value strictly between -0.1 and 0.1 (a zero right after
-- the decimal point) rounds to 0; 0.5 and -0.5 are right.
-- PostgreSQL: 1 | -1 | 1 | 1 | -1. nqdb: 1 | -1 | 0 | 0 | 0.
SELECT ceil(0.5), floor(-0.5), ceil(0.06666666666666667), ceil(0.0666666666666666666666), floor(-0.07142857142857142857);
