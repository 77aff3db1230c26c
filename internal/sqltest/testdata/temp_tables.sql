-- Temporary tables, sequences and views: shadowing a permanent table,
-- pg_temp, ON COMMIT actions, catalog flags, and their end with the
-- session (\c starts a new one).
create table x (a int);
insert into x values (1);
create temp table x (a int, b text);
insert into x values (2, 'temp');
select * from x;
select * from public.x;
select * from pg_temp.x;
select relname, relpersistence from pg_class where relname = 'x' order by 2;
select count(*) from pg_tables where tablename = 'x';
drop table x;
select * from x;
create temporary table tt (id serial primary key, v text);
insert into tt (v) values ('a'), ('b');
select * from tt order by id;
create index on tt (v);
select * from tt where v = 'b';
create temp sequence ts;
select nextval('ts'), nextval('ts');
create temp view tv as select v from tt;
select * from tv order by v;
create temp table tc as select id * 10 as id10 from tt;
select * from tc order by 1;
create local temp table lt (a int);
create global temporary table gt (a int);
create unlogged table ul (a int);
insert into ul values (5);
select * from ul;
create table perm (a int) on commit drop;
create temp table bad (a int) on commit explode;
begin;
create temp table od (a int) on commit drop;
insert into od values (1);
select * from od;
commit;
select * from od;
create temp table dr (a int) on commit delete rows;
begin;
insert into dr values (1), (2);
select count(*) from dr;
commit;
select count(*) from dr;
insert into dr values (3);
select count(*) from dr;
create temp table pr (a int) on commit preserve rows;
insert into pr values (1);
select count(*) from pr;
select relname, relkind from pg_class where relpersistence = 't' and relkind in ('r', 'v', 'S') order by 1;
\set QUIET on
\c
\set QUIET off
select * from tt;
select * from tv;
select nextval('ts');
select * from x;
drop table ul;
