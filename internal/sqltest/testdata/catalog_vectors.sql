-- Catalog column types as PostgreSQL types them: int2vector/oidvector
-- (space-separated, subscripted from 0), xid, aclitem[], pg_node_tree,
-- "char"[], pg_attribute's system columns and the row types of tables and
-- views in pg_type (sql/types/vector.go, executor/pgcatalog).
create table cv (id int primary key, a int, b text, c varchar(10), d date);
create index cv_abc on cv (a, b desc, c);
create unique index cv_d on cv (d);
create view cvv as select id, b from cv;
select c.relname, i.indkey, i.indkey[0] as k0, i.indkey[1] as k1, i.indkey[5] as k5,
       i.indkey::varchar as kv, i.indkey::text as kt, i.indoption, i.indoption::varchar as ov,
       i.indclass, i.indcollation, array_length(i.indkey, 1) as len,
       array_lower(i.indkey, 1) as lo, array_upper(i.indkey, 1) as hi, array_dims(i.indkey) as dims,
       cardinality(i.indkey) as card, pg_typeof(i.indkey) as t1, pg_typeof(i.indclass) as t2
  from pg_index i join pg_class c on c.oid = i.indexrelid
  where i.indrelid = 'cv'::regclass order by 1;
select c.relname, unnest(i.indkey) as col, generate_subscripts(i.indkey, 1) as sub
  from pg_index i join pg_class c on c.oid = i.indexrelid
  where i.indrelid = 'cv'::regclass order by 1, 3;
select s.sub, ('2 3 4'::int2vector)[s.sub] as att
  from generate_subscripts('2 3 4'::int2vector, 1) s(sub) order by 1;
select k.col, k.pos from unnest('7 8'::int2vector) with ordinality k(col, pos);
select c.relname, a.attname
  from pg_index i join pg_class c on c.oid = i.indexrelid
  join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
  where i.indrelid = 'cv'::regclass order by 1, 2;
select c.relname, i.indkey::int2[] as arr, (i.indkey::int2[])[0] as a0, i.indkey::int4[] as i4
  from pg_index i join pg_class c on c.oid = i.indexrelid
  where i.indrelid = 'cv'::regclass order by 1;
select array_position(i.indkey, 4::int2) as pos, array_positions(i.indkey, 2::int2) as poss
  from pg_index i where i.indexrelid = 'cv_abc'::regclass;
-- Literals of the vector types.
select '1 2'::int2vector as v, ('1 2'::int2vector)[0] as e0, ''::int2vector as empty,
       ' 3  4 '::oidvector as o, ('3 4'::oidvector)[1] as o1,
       '1 2'::int2vector = '1 2'::int2vector as eq, '1 2'::oidvector < '1 3'::oidvector as lt;
select array_lower(''::int2vector, 1), array_upper(''::int2vector, 1), array_dims(''::int2vector),
       array_length(''::int2vector, 1);
select '1 2x'::int2vector;
select '1 99999'::int2vector;
select '1 x'::oidvector;
select '[0:2]={7,8,9}'::int4[] as a, ('[0:2]={7,8,9}'::int4[])[0] as a0, array_dims('[0:2]={7,8,9}'::int4[]),
       '[0:1]={1,2}'::int2[] = '{1,2}'::int2[] as same;
select '[2:1]={}'::int4[];
-- pg_proc.proargtypes is an oidvector.
select proname, proargtypes, pg_typeof(proargtypes) from pg_proc
  where proname in ('lower', 'upper') and proargtypes[0] = 25 order by 1;
-- xid, aclitem[], pg_node_tree, "char"[].
select pg_typeof(datfrozenxid), pg_typeof(datacl) from pg_database where datname = current_database();
select relname, pg_typeof(relfrozenxid), relacl, pg_typeof(relacl), pg_typeof(relpartbound)
  from pg_class where relname in ('cv', 'cvv') order by 1;
select '123'::xid, '-1'::xid, 'abc'::xid, '(0,1)'::tid, '=r/postgres'::aclitem;
select 'x'::pg_node_tree;
select conname, pg_typeof(conbin) from pg_constraint where conrelid = 'cv'::regclass;
select format_type(22, null), format_type(30, null), format_type(28, null), format_type(194, null),
       format_type(1033, null), format_type(1034, null), format_type(1002, null), format_type(27, null);
-- System columns, row types.
select attname, attnum, atttypid::regtype, attlen, attbyval, attalign, attstorage, attnotnull, attstattarget
  from pg_attribute where attrelid = 'cv'::regclass order by attnum;
select count(*) from pg_attribute where attrelid = 'cvv'::regclass and attnum < 0;
select t.typname, t.typtype, t.typcategory, t.typrelid = c.oid as rel, c.reltype = t.oid as back,
       a.typname as arrname, a.typelem = t.oid as elem, t.typinput, t.typoutput, a.typinput, a.typsubscript,
       pg_type_is_visible(t.oid)
  from pg_class c join pg_type t on t.oid = c.reltype join pg_type a on a.oid = t.typarray
  where c.relname in ('cv', 'cvv') order by 1;
select relname, reltype = 0 as no_type, relhasrules from pg_class
  where relname in ('cv', 'cvv', 'cv_d', 'cv_pkey') order by 1;
\d cv
\dT
\d cvv
\dT+ cv
