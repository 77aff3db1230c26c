-- ALTER TABLE: rename, defaults, NOT NULL, TYPE, several actions, IF EXISTS,
-- dropping key and indexed columns, DROP CONSTRAINT of every kind.
create table t (a int primary key, b text, c int check (c > 0));
create index t_c on t (c);
insert into t values (1, 'x', 3), (2, '20', 4);
alter table t rename b to bb, add column z int;
alter table t rename column nosuch to x;
alter table t rename column a to c;
alter table t rename column a to aa;
alter table t rename bb to b;
\d t
insert into t values (3, 'y', 0);
select * from t order by aa;
alter index t_c rename to t_c2;
alter index nosuch rename to x;
alter index if exists nosuch rename to x;
alter table if exists nosuch rename to x;
alter table if exists nosuch add column x int;
alter table nosuch add column x int;
alter table t rename constraint t_pkey to t_pk;
alter table t rename constraint t_c_check to t_c_positive;
alter table t rename constraint nosuch to t_pk2;
\d t
insert into t values (1, 'dup', 1);
-- defaults
alter table t alter column c set default 5;
alter table t alter c set default 1 +;
alter table t alter column c set default nosuch;
alter table t alter column nosuch set default 1;
insert into t (aa, b) values (10, 'd');
alter table t alter column c drop default;
insert into t (aa, b) values (11, 'e');
select * from t order by aa;
-- NOT NULL
alter table t alter column c set not null;
delete from t where c is null;
alter table t alter column c set not null;
insert into t (aa, b) values (12, 'f');
alter table t alter column aa drop not null;
alter table t alter column nosuch drop not null;
alter table t alter column c drop not null;
insert into t (aa, b) values (12, 'f');
\d t
-- TYPE
alter table t alter column b type int;
alter table t alter column b type int using b || 'x';
alter table t alter column b type int using nosuch;
alter table t alter column b type int using (select 1);
update t set b = '7' where b = 'x';
delete from t where b !~ '^[0-9]+$';
alter table t alter column b type int using b::int;
alter table t alter column b type bigint, alter column b set default 9;
select * from t order by aa;
alter table t alter column aa type bigint;
select * from t where aa = 2;
alter table t alter column aa type text;
alter table t alter column aa set data type numeric(5,1);
\d t
select * from t order by aa;
alter table t alter column c type varchar(1);
alter table t alter column c type varchar(3);
select * from t where c = '4';
-- several actions, ONLY, IF NOT EXISTS
alter table t drop column if exists nosuch, drop constraint if exists foo;
alter table t drop column nosuch;
alter table t drop constraint nosuch;
alter table t add column if not exists c int, add column if not exists y int;
alter table only t add column w int;
alter table t alter column w set not null, alter column w set default 1;
alter table t add column n int not null;
alter table t add column n2 int not null default 3;
alter table t add column u float8 default random();
select count(distinct u) from t;
alter table t drop column u;
begin;
alter table t alter column w set default 1, alter column w type bigint;
alter table t alter column nosuch type int;
rollback;
\d t
-- dropping indexed and key columns and constraints
create table p (id int primary key, k int unique, v text);
create index p_v on p (v);
insert into p values (1, 10, 'a'), (2, 20, 'b');
create table ch (pid int references p);
insert into ch values (1);
alter table p drop column v;
\d p
alter table p drop column id;
alter table p drop column id cascade;
\d p
insert into p values (10);
insert into p values (30);
select * from p order by k;
alter table p drop constraint p_k_key;
\d p
alter table ch drop constraint ch_pid_fkey;
alter table ch drop constraint if exists ch_pid_fkey;
create table q (a int, b int, primary key (a, b));
insert into q values (1, 1), (1, 2);
alter table q drop constraint q_pkey;
insert into q values (1, 1);
select * from q order by a, b;
alter table q add primary key (a);
\d q
-- sequences and views
create sequence s;
create table sq (id int default nextval('s'), v int);
alter sequence s rename to s2;
alter sequence t rename to t2;
alter view t rename to t2;
insert into sq (v) values (1);
select * from sq;
create table ser (id serial, v int);
alter table ser rename column id to ident;
insert into ser (v) values (1);
select * from ser;
\d ser
create view vv as select 1 as one;
alter view vv rename to vv2;
select * from vv2;
alter table t rename to t3;
\d t3
-- TYPE over keys and constraints
create table f (x float8 primary key, y int check (y < 100), z text);
insert into f values (1.2, 1, 'a'), (1.4, 2, 'b');
alter table f alter column x type int;
alter table f alter column y type text;
alter table f alter column y type numeric(4,1);
\d f
alter table f rename column y to yy;
\d f
insert into f values (3, 200, 'c');
alter table f alter column z type varchar(1) using z || 'x';
alter table f alter column z type int using length(z);
select * from f order by x;
alter table f alter column z type int using sum(z);
alter table f alter column z type bool;
alter table f alter column z type bool using z;
-- views over altered columns
create table vt (a int, b int, c text);
insert into vt values (1, 2, 'x');
create view v1 as select a, c from vt;
create view v2 as select * from vt;
create view v3 as select b from vt;
alter table vt drop column a;
alter table vt alter column a type bigint;
alter table vt alter column c type int;
drop view v1, v2;
alter table vt alter column a type bigint;
alter table vt drop column a;
alter table vt alter column b type text;
select * from v3;
drop view v3;
alter table vt alter column b type text;
select * from vt;
-- TYPE of foreign key columns
create table fp (id int primary key);
create table fc (pid int references fp);
insert into fp values (1);
insert into fc values (1);
alter table fc alter column pid type text;
alter table fp alter column id type text;
alter table fc alter column pid type bigint;
alter table fp alter column id type bigint;
insert into fc values (2);
insert into fc values (1);
\d fc
