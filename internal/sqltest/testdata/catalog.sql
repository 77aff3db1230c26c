-- pg_catalog and information_schema over the live catalog, and the psql
-- meta-commands that read them (executor/pgcatalog).
create table t (id int primary key, email text unique, a int not null, b varchar(20), n numeric(10,2));
create table u (k bigint, v text);
create unique index u_k on u (k);
create index u_v on u (v);
\dt
\di
\dn
select relname, relkind, relnamespace, relhasindex, relpersistence, relispartition, relnatts
  from pg_class where relnamespace = 2200 order by relname;
select attname, attnum, format_type(atttypid, atttypmod), attnotnull, attlen
  from pg_attribute a join pg_class c on c.oid = a.attrelid
  where c.relname = 't' and attnum > 0 order by attnum;
select c.relname, i.indisunique, i.indisprimary, pg_get_indexdef(i.indexrelid), pg_get_indexdef(i.indexrelid, 1, true)
  from pg_index i join pg_class c on c.oid = i.indexrelid where c.relnamespace = 2200 order by 1;
select conname, contype, pg_get_constraintdef(oid) from pg_constraint
  where connamespace = 2200 order by conname;
select schemaname, tablename, tableowner, hasindexes from pg_tables where schemaname = 'public' order by 2;
select schemaname, tablename, indexname, indexdef from pg_indexes where schemaname = 'public' order by 3;
select nspname, pg_get_userbyid(nspowner) from pg_namespace order by oid;
select rolname, rolsuper, rolcanlogin from pg_roles where rolname = 'postgres';
select amname, amtype from pg_am where amname in ('heap', 'btree', 'hash') order by 1;
select typname, typlen, typtype, typcategory, typelem <> 0 as has_elem, typarray <> 0 as has_array
  from pg_type where typname in ('int4', '_int4', 'text', 'bool', 'numeric', 'timestamptz', 'uuid', 'name') order by 1;
select collname from pg_collation where oid in (100, 950, 951) order by 1;
select extname, extversion from pg_extension;
select pg_encoding_to_char(6), pg_encoding_to_char(0);
select format_type(23, -1), format_type(1043, 24), format_type(1700, 655366), format_type(1007, -1), format_type(1184, 3);
select pg_size_pretty(0::bigint), pg_size_pretty(10239::bigint), pg_size_pretty(10240::bigint),
  pg_size_pretty(123456789::bigint), pg_size_pretty(-5000000000::bigint), pg_size_pretty(9223372036854775807::bigint);
select count(*) from pg_inherits;
select count(*) from pg_trigger;
select count(*) from pg_policy;
select has_table_privilege('t', 'select'), has_schema_privilege('public', 'usage'), pg_is_in_recovery();
select obj_description(16384, 'pg_class'), col_description(16384, 1);
select schema_name from information_schema.schemata order by 1;
select table_schema, table_name, table_type from information_schema.tables where table_schema = 'public' order by 2;
select column_name, ordinal_position, is_nullable, data_type, character_maximum_length, numeric_precision, numeric_scale, udt_name
  from information_schema.columns where table_name = 't' order by ordinal_position;
select constraint_name, table_name, constraint_type from information_schema.table_constraints
  where table_schema = 'public' and constraint_type <> 'CHECK' order by 1;
select constraint_name, column_name, ordinal_position from information_schema.key_column_usage
  where table_schema = 'public' order by 1, 3;
drop table u;
\di
