-- Composite values and field selection: (expr).field and (expr).* on
-- function results and row-typed columns, information_schema._pg_expandarray
-- in the select list and in FROM (planner/field.go, sql/parser/field.go),
-- ROW(...) output, and the catalog queries of pgjdbc and Metabase that use
-- them.
CREATE TABLE arrs (id int PRIMARY KEY, a int[], t text[]);
INSERT INTO arrs VALUES (1, '{10,20,30}', '{x,"y z",NULL}'), (2, '{}', NULL), (3, NULL, '{"",q}');
SELECT * FROM information_schema._pg_expandarray(array[5,6,7]);
SELECT * FROM information_schema._pg_expandarray(ARRAY['a','b']) e;
SELECT x, n FROM information_schema._pg_expandarray(array[1.5, 2.5]) AS e(x, n) ORDER BY n DESC;
SELECT e.* FROM information_schema._pg_expandarray(array[true, false]) e;
SELECT (information_schema._pg_expandarray(array[10,20])).x;
SELECT (information_schema._pg_expandarray(array[10,20])).n, (information_schema._pg_expandarray(array[10,20])).x;
SELECT (information_schema._pg_expandarray(array['p','q'])).*;
SELECT information_schema._pg_expandarray(array[1,2]);
SELECT information_schema._pg_expandarray(array['a b', NULL, '', 'c"d', 'e,f']);
SELECT id, (information_schema._pg_expandarray(a)).x AS v FROM arrs ORDER BY id, v;
SELECT id, e.x, e.n FROM arrs, LATERAL information_schema._pg_expandarray(arrs.a) e ORDER BY id, e.n;
SELECT id, e.* FROM arrs CROSS JOIN LATERAL information_schema._pg_expandarray(t) AS e ORDER BY 1, 3;
SELECT id, k.* FROM arrs JOIN LATERAL information_schema._pg_expandarray(a) k ON k.n > 1 ORDER BY 1, 3;
SELECT s.id, (s.k).x, (s.k).n FROM (SELECT id, information_schema._pg_expandarray(a) AS k FROM arrs) s ORDER BY 1, 3;
SELECT (s.k).* FROM (SELECT information_schema._pg_expandarray(t) AS k FROM arrs WHERE id = 1) s;
SELECT count(*) FROM (SELECT information_schema._pg_expandarray(a) AS k FROM arrs) s WHERE (s.k).x > 15;
SELECT (information_schema._pg_expandarray(a)).y FROM arrs;
SELECT (id).x FROM arrs;
SELECT (arrs).id, (arrs).a FROM arrs ORDER BY 1;
SELECT (arrs).* FROM arrs ORDER BY 1;
SELECT ROW(1, 'a'), ROW(NULL, 2.5, 'x y'), (ROW(1, 2.5)).f2, (1, 'q');
SELECT ROW(1, ROW('a', NULL));
-- Row comparisons (make_row_comparison_op) and whole-row references.
SELECT (1, 2) < (1, 3), (1, 2) <= (1, 2), (2, 1) > (1, 9), (1, 2) >= (1, 3), (1, 2) = (1, 2), (1, 2) <> (1, 2);
SELECT (1, NULL) < (2, NULL), (NULL, 1) < (2, 1), (1, NULL) < (1, 2), (1, 3) < (1, 2), (1, NULL) = (1, NULL), (1, NULL) <> (2, NULL);
SELECT ROW(1, 'a') = ROW(1, 'a'), ROW(1, 'a') IS NOT DISTINCT FROM ROW(1, 'a'), (1, NULL) IS DISTINCT FROM (1, NULL), (1, 2, 3) < (1, 2, 4);
SELECT (1, 2) = (1, 2, 3);
SELECT id, a FROM arrs WHERE (id, id * 2) > (1, 0) ORDER BY id;
SELECT arrs FROM arrs ORDER BY id;
SELECT r FROM (SELECT 1 AS a, 'x y' AS b, NULL::int AS c) r;
SELECT (s.r).b FROM (SELECT r FROM (SELECT 1 AS a, 'p' AS b) r) s;
SELECT ROW(1, 2)::text, ROW(NULL, NULL) IS NULL, ROW(1, NULL) IS NULL, ROW(1, NULL) IS NOT NULL, (1, 2) IS NOT NULL;
SELECT 1 WHERE (1, 2) IN ((1, 2)), (2, 3) NOT IN ((1, 2), (2, 4)), (1, NULL) IN ((1, 2), (3, 4)) IS NULL;
SELECT DISTINCT r FROM (SELECT ROW(1, 'a'::text) r UNION ALL SELECT ROW(1, 'a'::text)) s;
SELECT r, count(*) FROM (SELECT ROW(1, 2) r) s GROUP BY 1;
SELECT coalesce(ROW(1, 2), ROW(3, 4)), CASE WHEN true THEN ROW(1, 'b c') END;
SELECT (ROW(1, 2)).*, (ROW(1, ROW(2, 3))).f2;
SELECT r FROM (SELECT ROW(1, 2) r UNION ALL SELECT ROW(3, 4)) s;
-- pgjdbc getPrimaryKeys / getIndexInfo shapes over a real schema.
CREATE TABLE pk2 (a int, b text, c int, PRIMARY KEY (b, a));
CREATE UNIQUE INDEX pk2_c_b ON pk2 (c, b);
SELECT ct.relname AS table_name, a.attname AS column_name, (i.keys).n AS key_seq, ci.relname AS pk_name
  FROM pg_catalog.pg_class ct
  JOIN pg_catalog.pg_attribute a ON (ct.oid = a.attrelid)
  JOIN pg_catalog.pg_namespace n ON (ct.relnamespace = n.oid)
  JOIN (SELECT i.indexrelid, i.indrelid, i.indisprimary, information_schema._pg_expandarray(i.indkey) AS keys
          FROM pg_catalog.pg_index i) i ON (a.attnum = (i.keys).x AND a.attrelid = i.indrelid)
  JOIN pg_catalog.pg_class ci ON (ci.oid = i.indexrelid)
 WHERE true AND n.nspname = 'public' AND ct.relname = 'pk2' AND i.indisprimary
 ORDER BY table_name, pk_name, key_seq;
SELECT ct.relname, ci.relname AS index_name, (information_schema._pg_expandarray(i.indkey)).n AS ordinal_position
  FROM pg_catalog.pg_class ct JOIN pg_catalog.pg_index i ON ct.oid = i.indrelid
  JOIN pg_catalog.pg_class ci ON ci.oid = i.indexrelid
 WHERE ct.relname = 'pk2' ORDER BY 2, 3;
-- pgjdbc 42.5's DatabaseMetaData queries as it sends them (captured from
-- PostgreSQL's statement log), over a primary key, indexes and a foreign key.
CREATE TABLE fkref (x int, y text, CONSTRAINT fkref_fk FOREIGN KEY (y, x) REFERENCES pk2 (b, a));
SELECT        result.TABLE_CAT,        result.TABLE_SCHEM,        result.TABLE_NAME,        result.COLUMN_NAME,        result.KEY_SEQ,        result.PK_NAME FROM      (SELECT NULL AS TABLE_CAT, n.nspname AS TABLE_SCHEM,   ct.relname AS TABLE_NAME, a.attname AS COLUMN_NAME,   (information_schema._pg_expandarray(i.indkey)).n AS KEY_SEQ, ci.relname AS PK_NAME,   information_schema._pg_expandarray(i.indkey) AS KEYS, a.attnum AS A_ATTNUM FROM pg_catalog.pg_class ct   JOIN pg_catalog.pg_attribute a ON (ct.oid = a.attrelid)   JOIN pg_catalog.pg_namespace n ON (ct.relnamespace = n.oid)   JOIN pg_catalog.pg_index i ON ( a.attrelid = i.indrelid)   JOIN pg_catalog.pg_class ci ON (ci.oid = i.indexrelid) WHERE true  AND n.nspname = 'public' AND ct.relname = 'pk2' AND i.indisprimary  ) result where  result.A_ATTNUM = (result.KEYS).x  ORDER BY result.table_name, result.pk_name, result.key_seq;
SELECT q.table_name, q.non_unique, q.index_name, q.type, q.ordinal_position, q.column_name, q.asc_or_desc, q.filter_condition FROM (
SELECT     tmp.TABLE_CAT,     tmp.TABLE_SCHEM,     tmp.TABLE_NAME,     tmp.NON_UNIQUE,     tmp.INDEX_QUALIFIER,     tmp.INDEX_NAME,     tmp.TYPE,     tmp.ORDINAL_POSITION,     trim(both '"' from pg_catalog.pg_get_indexdef(tmp.CI_OID, tmp.ORDINAL_POSITION, false)) AS COLUMN_NAME,   CASE tmp.AM_NAME     WHEN 'btree' THEN CASE tmp.I_INDOPTION[tmp.ORDINAL_POSITION - 1] & 1::smallint       WHEN 1 THEN 'D'       ELSE 'A'     END     ELSE NULL   END AS ASC_OR_DESC,     tmp.CARDINALITY,     tmp.PAGES,     tmp.FILTER_CONDITION FROM (SELECT NULL AS TABLE_CAT, n.nspname AS TABLE_SCHEM,   ct.relname AS TABLE_NAME, NOT i.indisunique AS NON_UNIQUE,   NULL AS INDEX_QUALIFIER, ci.relname AS INDEX_NAME,   CASE i.indisclustered     WHEN true THEN 1    ELSE CASE am.amname       WHEN 'hash' THEN 2      ELSE 3    END   END AS TYPE,   (information_schema._pg_expandarray(i.indkey)).n AS ORDINAL_POSITION,   ci.reltuples AS CARDINALITY,   ci.relpages AS PAGES,   pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS FILTER_CONDITION,   ci.oid AS CI_OID,   i.indoption AS I_INDOPTION,   am.amname AS AM_NAME FROM pg_catalog.pg_class ct   JOIN pg_catalog.pg_namespace n ON (ct.relnamespace = n.oid)   JOIN pg_catalog.pg_index i ON (ct.oid = i.indrelid)   JOIN pg_catalog.pg_class ci ON (ci.oid = i.indexrelid)   JOIN pg_catalog.pg_am am ON (ci.relam = am.oid) WHERE true  AND n.nspname = 'public' AND ct.relname = 'pk2') AS tmp ORDER BY NON_UNIQUE, TYPE, INDEX_NAME, ORDINAL_POSITION
) q;
SELECT setting FROM pg_catalog.pg_settings WHERE name='max_index_keys';
SELECT NULL::text AS PKTABLE_CAT, pkn.nspname AS PKTABLE_SCHEM, pkc.relname AS PKTABLE_NAME, pka.attname AS PKCOLUMN_NAME, NULL::text AS FKTABLE_CAT, fkn.nspname AS FKTABLE_SCHEM, fkc.relname AS FKTABLE_NAME, fka.attname AS FKCOLUMN_NAME, pos.n AS KEY_SEQ, CASE con.confupdtype  WHEN 'c' THEN 0 WHEN 'n' THEN 2 WHEN 'd' THEN 4 WHEN 'r' THEN 1 WHEN 'p' THEN 1 WHEN 'a' THEN 3 ELSE NULL END AS UPDATE_RULE, CASE con.confdeltype  WHEN 'c' THEN 0 WHEN 'n' THEN 2 WHEN 'd' THEN 4 WHEN 'r' THEN 1 WHEN 'p' THEN 1 WHEN 'a' THEN 3 ELSE NULL END AS DELETE_RULE, con.conname AS FK_NAME, pkic.relname AS PK_NAME, CASE  WHEN con.condeferrable AND con.condeferred THEN 5 WHEN con.condeferrable THEN 6 ELSE 7 END AS DEFERRABILITY  FROM  pg_catalog.pg_namespace pkn, pg_catalog.pg_class pkc, pg_catalog.pg_attribute pka,  pg_catalog.pg_namespace fkn, pg_catalog.pg_class fkc, pg_catalog.pg_attribute fka,  pg_catalog.pg_constraint con,  pg_catalog.generate_series(1, 32) pos(n),  pg_catalog.pg_class pkic WHERE pkn.oid = pkc.relnamespace AND pkc.oid = pka.attrelid AND pka.attnum = con.confkey[pos.n] AND con.confrelid = pkc.oid  AND fkn.oid = fkc.relnamespace AND fkc.oid = fka.attrelid AND fka.attnum = con.conkey[pos.n] AND con.conrelid = fkc.oid  AND con.contype = 'f' AND (pkic.relkind = 'i' OR pkic.relkind = 'I') AND pkic.oid = con.conindid  AND fkn.nspname = 'public' AND fkc.relname = 'fkref' ORDER BY pkn.nspname,pkc.relname, con.conname,pos.n;
-- One-field rows (TiDB's row constructor needs two values).
select row(null::int), row(1::int), row((1)), row((select 1));
select * from (select 1 a) t where row(a) = row(1);
select row(a) in (row(1), row(2)) from (select 1 a) t;
