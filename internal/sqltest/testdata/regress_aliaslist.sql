-- Column alias lists on tables and on SELECT * subqueries in FROM
-- (sql/parser/aliaslist.go, planner applyAliasList).
CREATE TABLE int2_tbl(f1 int2);
INSERT INTO int2_tbl VALUES (1), (-2);
CREATE TABLE t2 (a int, b text, c float8);
INSERT INTO t2 VALUES (1, 'x', 1.5), (2, 'y', NULL);
SELECT * FROM INT2_TBL AS f(a, b);
SELECT * FROM (TABLE int2_tbl) AS s (a, b);
SELECT * FROM int2_tbl AS f(a) ORDER BY a;
SELECT f.a FROM int2_tbl f(a) WHERE a > 0;
SELECT * FROM t2 AS x(p, q) ORDER BY p;
SELECT x.c, x.q FROM t2 x(p, q) ORDER BY 1;
SELECT * FROM public.t2 AS x(p, q, r) ORDER BY p;
SELECT * FROM (SELECT * FROM t2) s(k) ORDER BY k;
SELECT * FROM (SELECT * FROM t2 UNION ALL SELECT * FROM t2) s(k, l) ORDER BY k, l;
SELECT * FROM t2 x(p) JOIN int2_tbl y(p2) ON x.p = y.p2;
SELECT * FROM t2 x(p) LEFT JOIN int2_tbl AS y(p2) ON x.p = y.p2 ORDER BY p;
SELECT * FROM int2_tbl AS f(a, b), t2;
SELECT * FROM t2 AS x(a, a);
SELECT f1 FROM int2_tbl AS f(a);
SELECT count(*) FROM t2 z(q) WHERE q IN (SELECT w FROM int2_tbl i(w));
