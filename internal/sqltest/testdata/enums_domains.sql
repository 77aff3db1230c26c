-- Enums (CREATE TYPE ... AS ENUM) and domains (CREATE DOMAIN): input,
-- ordering, indexes, casts, ALTER, DROP and the catalog rows psql reads.
create type mood as enum ('sad', 'ok', 'happy');
create table t (id int primary key, m mood);
insert into t values (1, 'happy'), (2, 'sad'), (3, 'ok'), (4, null);
select * from t order by m, id;
select * from t where m > 'sad' order by id;
select * from t where m in ('ok', 'happy') order by id;
select min(m), max(m), count(distinct m) from t;
select 'x'::mood;
insert into t values (5, 'nope');
select m::text || '!' as s from t where id = 1;
select 'ok'::mood < 'happy'::mood as lt, 'ok'::mood = 'ok' as eq;
select id from t where m = 'sad'::text;
alter type mood add value 'meh' before 'ok';
alter type mood add value 'ecstatic';
alter type mood add value 'ok';
alter type mood add value if not exists 'ok';
insert into t values (6, 'meh'), (7, 'ecstatic');
select * from t order by m desc nulls last, id;
create index t_m on t (m);
select * from t where m = 'meh';
select * from t where m >= 'ok' order by m;
select enumlabel, enumsortorder from pg_enum where enumtypid = 'mood'::regtype order by enumsortorder;
select typname, typtype, typcategory, typlen from pg_type where typname in ('mood', '_mood') order by 1;
select format_type('mood'::regtype, null), 'mood'::regtype::oid = (select oid from pg_type where typname = 'mood') as same;
select pg_typeof(m) from t where id = 1;
select array['ok', 'sad']::mood[];
create table arr (id int, a mood[]);
insert into arr values (1, '{happy,sad}');
select a, a[1] from arr;
create type "Weird Enum" as enum ('A', 'b c');
select 'b c'::"Weird Enum";
create type mood as enum ('x');
create type empty_enum as enum ();
select count(*) from pg_enum where enumtypid = 'empty_enum'::regtype;
\dT
\dT+ mood
\d t
-- Domains.
create domain posint as int check (value > 0);
create domain nnpos as posint not null;
create domain short_text varchar(5) default 'abc' constraint short_text_not_x check (value <> 'x');
create table d (a posint, b nnpos default 5, c short_text);
insert into d values (1, 2);
insert into d values (-1, 2);
insert into d (a) values (3);
insert into d values (3, null);
insert into d values (4, 4, 'toolong');
insert into d values (4, 4, 'x');
select 0::posint;
select 7::nnpos as n, pg_typeof(7::nnpos);
select null::posint is null as ok;
select null::nnpos;
select * from d order by a;
update d set a = -5 where a = 1;
update d set a = 10 where a = 1;
select * from d order by a;
select a + 1 as plus, pg_typeof(a + 1) from d order by a;
prepare p(posint) as select $1 + 1;
execute p(5);
\d d
\dD
select conname, pg_get_constraintdef(oid), pg_get_constraintdef(oid, true), contypid::regtype
  from pg_constraint where contypid <> 0 and connamespace = 'public'::regnamespace order by conname;
select typname, typtype, typbasetype::regtype, typtypmod, typnotnull, typdefault
  from pg_type where typtype = 'd' and typnamespace = 'public'::regnamespace order by 1;
alter domain posint add constraint small check (value < 100);
insert into d (a, b) values (150, 1);
alter domain posint add constraint tiny check (value < 5);
alter domain posint drop constraint small;
alter domain posint drop constraint nope;
alter domain posint drop constraint if exists nope;
alter domain short_text set default 'zz';
insert into d (a, b) values (50, 1);
alter domain short_text drop default;
alter domain nnpos drop not null;
insert into d (a, b) values (51, null);
alter domain nnpos set not null;
delete from d where b is null;
alter domain nnpos set not null;
select * from d order by a;
create domain bad as int check (nosuch > 0);
create domain bad as int check ((select 1) > 0);
create domain bad as nosuchtype;
drop domain posint;
drop domain posint cascade;
\d d
drop type mood;
drop type mood cascade;
\d t
drop type if exists nosuch;
drop domain nosuch;
drop type int4;
-- In another schema, and inside a transaction that rolls back.
create schema s;
create type s.color as enum ('red', 'green');
select 'red'::s.color;
select 'red'::color;
set search_path = s, public;
select 'green'::color;
\dT s.*
reset search_path;
begin;
create type tmp_enum as enum ('a');
create table tmp_t (e tmp_enum);
insert into tmp_t values ('a');
rollback;
select 'a'::tmp_enum;
drop schema s cascade;
-- COPY checks domains and enum labels.
create domain posint2 as int check (value > 0);
create domain nn as int not null;
create type lvl as enum ('lo', 'hi');
create table c (a posint2, l lvl, n nn default 1);
copy c (a, l) from stdin;
1	lo
2	hi
\.
copy c (a, l) from stdin;
-1	lo
\.
copy c (a, l) from stdin;
1	mid
\.
copy c (a, l, n) from stdin;
3	hi	\N
\.
create table c2 (a int, n nn);
copy c2 (a) from stdin;
1
\.
select * from c order by a;
insert into c2 (a) values (1);
insert into c2 values (1, 2);
select * from c2;
