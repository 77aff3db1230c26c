-- Schemas: CREATE / ALTER / DROP SCHEMA, qualified names, search_path
-- resolution and creation, catalog views and psql's \dn and \dt over
-- several schemas, regclass output by visibility.
create schema s1;
create schema s1;
create schema if not exists s1;
create schema pg_bad;
create schema s2 authorization postgres;
create table s1.t (a int primary key, b text);
create table s2.t (x int);
create table t (p int);
insert into s1.t values (1, 'one'), (2, 'two');
insert into s2.t values (10);
insert into t values (100);
select * from t;
select * from s1.t order by a;
select s1.t.a, t.b from s1.t order by 1;
select * from s2.t;
select * from nosuch.t;
create table nosuch.t (a int);
show search_path;
select current_schema(), current_schemas(false), current_schemas(true);
set search_path = s1, public;
select current_schema(), current_schemas(false);
select * from t order by a;
select * from public.t;
create table u (k int);
select schemaname, tablename from pg_tables where tablename in ('t', 'u') order by 1, 2;
set search_path = s2;
select * from t;
select * from u;
create index on t (x);
create sequence sq;
select nextval('sq'), nextval('s2.sq');
create view v as select x + 1 as y from t;
select * from v;
select 's1.t'::regclass, 't'::regclass, 'public.t'::regclass, 's2.t_x_idx'::regclass;
select c.relname, n.nspname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
 where n.nspname in ('s1', 's2') order by 2, 1;
select nspname from pg_namespace where nspname like 's%' order by 1;
select schema_name from information_schema.schemata where schema_name like 's_' order by 1;
select table_schema, table_name from information_schema.tables where table_schema in ('s1', 's2', 'public') order by 1, 2;
select relname, pg_table_is_visible(oid) from pg_class where relname in ('t', 'u', 'v', 'sq') order by 1, 2;
set search_path = nosuch;
create table z (a int);
select current_schema();
reset search_path;
\dn
\dt
\dt s1.*
\d s1.t
drop schema s2;
drop schema s2 cascade;
select * from s2.t;
drop schema nosuch;
drop schema if exists nosuch;
begin;
create schema s3;
create table s3.w (a int);
rollback;
select count(*) from pg_namespace where nspname = 's3';
alter schema s1 rename to s9;
select * from s9.t order by a;
select * from s1.t;
alter schema s9 rename to pg_x;
create schema s4 create table a (i int) create view b as select i from a;
select * from s4.b;
drop schema s9, s4 cascade;
set search_path = "$user", public;
create schema postgres;
create table me (a int);
select 'me'::regclass, 'postgres.me'::regclass;
select schemaname from pg_tables where tablename = 'me';
drop schema postgres cascade;
create table rc (a int);
select x::regclass from (values ('rc'), ('public.rc'), ('pg_class')) v(x);
select x::regclass from (values ('nosuch')) v(x);
select x::regclass::oid = 'rc'::regclass::oid from (values ('rc')) v(x);
