-- Grouping corner cases from pg_regress select_having / select_implicit and
-- constant-false scans from case.sql.
CREATE TABLE test_having (a int, b int, c char(8), d char);
INSERT INTO test_having VALUES (0, 1, 'XXXX', 'A'), (1, 2, 'AAAA', 'b'), (2, 2, 'AAAA', 'c');
-- HAVING without aggregates or GROUP BY never reads the table
SELECT 1 AS one FROM test_having WHERE 1/a = 1 HAVING 1 < 2;
SELECT 1 AS one FROM test_having WHERE 1/a = 1 HAVING 1 > 2;
SELECT 1 AS one FROM test_having HAVING 1 > 2;
SELECT 1 AS one FROM test_having HAVING 1 < 2;
SELECT 'x' AS v FROM test_having WHERE false HAVING true;
-- ungrouped columns are reported where they are used
SELECT a FROM test_having HAVING min(a) < max(a);
SELECT 1 AS one FROM test_having HAVING a > 1;
SELECT count(*) FROM test_having GROUP BY a ORDER BY b;
SELECT a, count(*) FROM test_having GROUP BY a HAVING sum(b) > 0 AND c > 'A';
SELECT a + b FROM test_having GROUP BY a;
SELECT max(a), b + 1 FROM test_having;
-- two output columns of the same expression are not ambiguous in ORDER BY
SELECT a, a FROM test_having ORDER BY a;
SELECT a/2, a/2 FROM test_having ORDER BY a/2;
SELECT b AS x, b AS x FROM test_having ORDER BY x;
SELECT a AS x, b AS x FROM test_having ORDER BY x;
SELECT a, a + 0 AS a FROM test_having ORDER BY a;
-- a scan whose condition folds to false is PostgreSQL's dummy Result
EXPLAIN (COSTS OFF) SELECT * FROM test_having WHERE NULLIF(1, 2) = 2;
EXPLAIN (COSTS OFF) SELECT * FROM test_having WHERE NULLIF(1, 1) IS NOT NULL;
EXPLAIN (COSTS OFF) SELECT * FROM test_having WHERE NULLIF(1, null) = 2;
EXPLAIN SELECT * FROM test_having WHERE 1 = 2;
EXPLAIN (COSTS OFF) SELECT a FROM test_having WHERE null;
SELECT * FROM test_having WHERE NULLIF(1, 2) = 2;
-- error positions: GROUP BY numbers, and ambiguous names PostgreSQL meets
-- in ORDER BY first (it transforms ORDER BY before GROUP BY)
CREATE TABLE test_missing_target (a int, b int, c char(8), d char);
INSERT INTO test_missing_target VALUES (0, 1, 'XXXX', 'A'), (1, 2, 'ABAB', 'b');
SELECT c, count(*) FROM test_missing_target GROUP BY 3;
SELECT c, count(*) FROM test_missing_target GROUP BY 1, 3;
SELECT c, count(*) FROM test_missing_target
  GROUP BY
  3;
SELECT count(*) FROM test_missing_target x, test_missing_target y
	WHERE x.a = y.a
	GROUP BY b ORDER BY b;
SELECT count(*) FROM test_missing_target x, test_missing_target y
	WHERE x.a = y.a
	GROUP BY b/2 ORDER BY b/2;
SELECT count(*) AS b FROM test_missing_target x, test_missing_target y
	WHERE x.a = y.a
	GROUP BY b ORDER BY b;
SELECT count(*) FROM test_missing_target x, test_missing_target y
	WHERE x.a = y.a
	GROUP BY b ORDER BY x.b;
SELECT count(*) FROM test_missing_target x, test_missing_target y
	WHERE x.a = y.a
	GROUP BY b ORDER BY 1;
