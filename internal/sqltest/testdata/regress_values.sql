-- VALUES as a query of its own (sql/parser/values.go): a statement, a WITH
-- body, a subquery and a many-row set operation operand.
VALUES (1), (2);
VALUES (1, 'a'), (2, 'b') ORDER BY 1 DESC;
VALUES (1, 'a'), (2, 'b') ORDER BY 1 DESC LIMIT 1;
VALUES (1, 'a'), (2, 'b'), (3, 'c') ORDER BY column2 OFFSET 1;
VALUES (null), (1);
VALUES (1.5), (2);
SELECT * FROM (VALUES (1), (2)) v(x) WHERE x IN (VALUES (2), (3));
SELECT 1 UNION ALL VALUES (2), (3);
SELECT 1 UNION VALUES (2), (3) ORDER BY 1;
VALUES (1) UNION ALL VALUES (2), (3);
WITH a AS (VALUES (1, 2)), b(x) AS (VALUES (3), (4)) SELECT * FROM a, b ORDER BY x;
WITH t(n, s) AS (VALUES (1, 'one'), (2, 'two')) SELECT s FROM t WHERE n = 2;
SELECT EXISTS (VALUES (1));
SELECT count(*) FROM (VALUES (1), (2)) AS x;
CREATE TABLE vt (a int, b text);
INSERT INTO vt VALUES (1, 'x');
INSERT INTO vt (a, b) VALUES (2, 'y'), (3, 'z');
INSERT INTO vt SELECT * FROM (VALUES (4, 'w')) v;
SELECT * FROM vt ORDER BY a;
-- errors
VALUES (1), (2, 3);
SELECT * FROM (VALUES (1), (2, 3)) v;
VALUES ();
