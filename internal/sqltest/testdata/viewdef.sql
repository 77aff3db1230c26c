-- pg_get_viewdef: views are printed back as PostgreSQL 15 deparses them
-- (planner/deparse.go), in every form clients use.
CREATE TABLE customers (id int PRIMARY KEY, name text, email varchar(50), vip boolean, balance numeric(10,2), born date, big bigint);
CREATE TABLE orders (id int, customer_id int, amount numeric, placed date, note text);
CREATE SCHEMA other;
CREATE TABLE other.items (id int, label text);

CREATE VIEW v1 AS SELECT id, name FROM customers WHERE vip;
CREATE VIEW v2 AS SELECT * FROM customers WHERE id > 5 AND name <> 'x';
CREATE VIEW v3 AS SELECT c.id AS cid, upper(c.name), c.email FROM customers c WHERE c.email = 'a@b' OR c.id IN (1, 2, 3);
CREATE VIEW v4 AS SELECT o.customer_id, count(*) AS n, sum(o.amount) AS total FROM orders o GROUP BY o.customer_id HAVING count(*) > 1 ORDER BY o.customer_id;
CREATE VIEW v5 AS SELECT c.name, o.amount FROM customers c JOIN orders o ON o.customer_id = c.id;
CREATE VIEW v6 AS SELECT c.name, o.amount FROM customers c LEFT JOIN orders o ON o.customer_id = c.id WHERE o.amount IS NULL;
CREATE VIEW v7 AS SELECT DISTINCT name FROM customers ORDER BY name DESC LIMIT 10;
CREATE VIEW v8 AS SELECT id, CASE WHEN balance > 100 THEN 'rich' ELSE 'poor' END AS kind, coalesce(name, 'none') AS nm FROM customers;
CREATE VIEW v9 AS SELECT id FROM customers UNION SELECT customer_id FROM orders;
CREATE VIEW v10 AS SELECT name FROM customers WHERE name LIKE 'a%' AND born > '2020-01-01' AND big = 5;
CREATE VIEW v11 AS SELECT s.id, s.total FROM (SELECT id, balance * 2 AS total FROM customers) s WHERE s.total > 10;
CREATE VIEW v12 AS SELECT id, -id AS neg, id + 1 * 2 AS calc, (id + 1) * 2 AS calc2, name || '!' AS bang FROM customers;
CREATE VIEW v13 AS SELECT i.id, i.label FROM other.items i;
CREATE VIEW v14 (a, b) AS SELECT id, name FROM customers;
CREATE VIEW v15 AS SELECT id::text AS t, balance::int AS b, cast(name AS varchar(10)) AS n, 'abc' AS lit, 1.5 AS num, true AS flag FROM customers;
CREATE VIEW v16 AS SELECT c.id, o.id AS oid FROM customers c, orders o WHERE c.id = o.customer_id AND NOT c.vip;
CREATE VIEW v17 AS SELECT email FROM customers WHERE email IN ('a', 'b') AND id NOT IN (4, 5);

SELECT pg_get_viewdef('v1'::regclass);
SELECT pg_get_viewdef('v1'::regclass, true);
SELECT pg_get_viewdef('v2'::regclass);
SELECT pg_get_viewdef('v2'::regclass, true);
SELECT pg_get_viewdef('v3'::regclass);
SELECT pg_get_viewdef('v3'::regclass, true);
SELECT pg_get_viewdef('v4'::regclass);
SELECT pg_get_viewdef('v4'::regclass, true);
SELECT pg_get_viewdef('v5'::regclass);
SELECT pg_get_viewdef('v5'::regclass, true);
SELECT pg_get_viewdef('v6'::regclass);
SELECT pg_get_viewdef('v6'::regclass, true);
SELECT pg_get_viewdef('v7'::regclass);
SELECT pg_get_viewdef('v7'::regclass, true);
SELECT pg_get_viewdef('v8'::regclass);
SELECT pg_get_viewdef('v8'::regclass, true);
SELECT pg_get_viewdef('v9'::regclass);
SELECT pg_get_viewdef('v9'::regclass, true);
SELECT pg_get_viewdef('v10'::regclass);
SELECT pg_get_viewdef('v10'::regclass, true);
SELECT pg_get_viewdef('v11'::regclass);
SELECT pg_get_viewdef('v11'::regclass, true);
SELECT pg_get_viewdef('v12'::regclass);
SELECT pg_get_viewdef('v12'::regclass, true);
SELECT pg_get_viewdef('v13'::regclass);
SELECT pg_get_viewdef('v13'::regclass, true);
SELECT pg_get_viewdef('v14'::regclass);
SELECT pg_get_viewdef('v15'::regclass);
SELECT pg_get_viewdef('v15'::regclass, true);
SELECT pg_get_viewdef('v16'::regclass);
SELECT pg_get_viewdef('v16'::regclass, true);
SELECT pg_get_viewdef('v17'::regclass);
SELECT pg_get_viewdef('v17'::regclass, true);
SELECT pg_get_viewdef('v3'::regclass, 40);
SELECT pg_get_viewdef('v3'::regclass, -1);
SELECT pg_get_viewdef('v1');
SELECT pg_get_viewdef('v1', true);
SELECT viewname, definition FROM pg_views WHERE schemaname = 'public' ORDER BY viewname;
SELECT table_name, view_definition, check_option, is_updatable FROM information_schema.views WHERE table_schema = 'public' ORDER BY table_name;
\d+ v1
\d+ v5
SET search_path = other, public;
SELECT pg_get_viewdef('v13'::regclass);
