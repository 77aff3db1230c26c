-- CHECK and FOREIGN KEY constraints: names, enforcement on every write
-- path, referential actions, dependencies and the messages of each.
create table t (a int check (a > 0), b text constraint b_nonempty check (b <> ''), c int, check (c < 100), check (a < c));
insert into t values (1, 'x', 5);
insert into t values (0, 'x', 5);
insert into t values (null, 'x', null);
insert into t values (2, '', 5);
insert into t values (5, 'y', 200);
insert into t values (50, 'y', 20);
update t set a = -1 where a = 1;
update t set c = c + 1 where a = 1;
select * from t order by a nulls first;
create table t2 (x int, y int check (y > x), check (x > 0), check (y > 0 and x < 10));
insert into t2 values (1, 2);
insert into t2 values (1, 1);
insert into t2 values (-1, 2);
insert into t2 values (20, 30);
create table t3 (a int check (a > 0), check (a > 0), check (a > 1));
insert into t3 values (1);
select conname, contype, pg_get_constraintdef(oid) from pg_constraint where conrelid in ('t'::regclass, 't2'::regclass, 't3'::regclass) order by conname;
-- ALTER TABLE ADD / DROP CONSTRAINT
alter table t add constraint c_small check (c < 10);
alter table t add constraint c_small check (c < 50);
alter table t add check (b <> 'zz');
alter table t add constraint b_nonempty check (b <> 'q');
alter table t drop constraint c_small;
alter table t add constraint c_small check (c < 50);
insert into t values (3, 'z', 60);
alter table t drop constraint nosuch;
alter table t drop constraint if exists nosuch;
alter table t add constraint gone check (a <> 42);
alter table t drop constraint if exists gone;
alter table t drop constraint gone restrict;
alter table t drop constraint t_a_check;
insert into t values (-5, 'z', 6);
-- checks with several kinds of expressions
create table e (n numeric check (n >= 0.5), s varchar(10) check (length(s) > 1), d date check (d > '2000-01-01'), f float8 check (f <> -1), i int check (i between 1 and 10), k int check (i is not null or k > 0), l text check (l like 'a%'), m int check (m in (1, 2, 3)));
insert into e values (0.4);
insert into e (s) values ('x');
insert into e (d) values ('1999-01-01');
insert into e (i) values (11);
insert into e (k) values (-1);
insert into e (l) values ('ba');
insert into e (m) values (4);
insert into e values (1, 'ab', '2020-01-01', 2, 5, 1, 'abc', 2);
select conname, pg_get_constraintdef(oid) from pg_constraint where conrelid = 'e'::regclass order by conname;
create table bad1 (a int check (a));
create table bad2 (a int check (b > 0));
create table bad3 (a int check (a > (select 1)));
create table bad4 (a int check (sum(a) > 0));
create table bad11 (a int check (a + $1 > 0));
-- ON CONFLICT DO UPDATE and COPY
create table u (id int primary key, v int check (v < 10));
insert into u values (1, 1);
insert into u values (1, 1) on conflict (id) do update set v = 20;
insert into u values (1, 11) on conflict (id) do nothing;
insert into u values (2, 2) on conflict (id) do update set v = excluded.v + 1;
copy u from stdin;
3	3
4	40
\.
select * from u order by id;
-- foreign keys
create table p (id int primary key, code text unique, name text);
insert into p values (1, 'a', 'one'), (2, 'b', 'two'), (3, 'c', 'three');
create table c (id int primary key, pid int references p, pcode text references p(code) on delete cascade on update cascade, note text);
insert into c values (1, 1, 'a');
insert into c values (2, 5, 'a');
insert into c values (3, null, 'zz');
insert into c values (4, 2, null);
update c set pid = 9 where id = 1;
update c set note = 'n' where id = 1;
delete from p where id = 1;
delete from p where id = 3;
update p set id = 10 where id = 2;
update p set code = 'A' where code = 'a';
select * from c order by id;
delete from p where code = 'A';
select * from c order by id;
select * from p order by id;
-- actions
create table pa (id int primary key);
insert into pa values (1), (2), (3), (4);
create table ca (id int primary key, r int references pa on delete restrict, n int references pa on delete set null on update set null, d int default 4 references pa on delete set default, x int references pa on delete cascade on update cascade);
insert into ca values (1, 1, null, null, null), (2, null, 2, null, null), (3, null, null, 3, null), (4, null, null, null, 2);
delete from pa where id = 1;
delete from pa where id = 2;
select * from ca order by id;
delete from pa where id = 3;
select * from ca order by id;
update pa set id = 30 where id = 4;
select * from ca order by id;
select * from pa order by id;
-- statement-level checks: a self reference inserted in one statement
create table tree (id int primary key, parent int references tree(id));
insert into tree values (1, null), (2, 1), (3, 2);
insert into tree values (5, 4), (4, 1);
insert into tree values (6, 7);
delete from tree where id = 1;
delete from tree;
select count(*) from tree;
-- NO ACTION passes when the old key exists again by the statement's end;
-- RESTRICT does not look
create table pk2 (id int primary key);
insert into pk2 values (1), (2);
create table na (pid int references pk2);
create table rs (pid int references pk2 on update restrict);
insert into na values (2);
update pk2 set id = id + 1;
select * from pk2 order by id;
insert into rs values (3);
update pk2 set id = id - 1;
delete from rs;
update pk2 set id = id - 1;
-- cascades through a self reference, transactions, RETURNING, ON CONFLICT, COPY
create table node (id int primary key, parent int references node on delete cascade);
insert into node values (1, null), (2, 1), (3, 2), (4, null);
delete from node where id = 1;
select * from node;
begin;
insert into pk2 values (10);
insert into na values (10) returning *;
rollback;
insert into na values (10);
insert into na select id from pk2 union all select 99;
insert into rs values (1) on conflict do nothing;
copy na from stdin;
1
55
\.
select count(*) from na;
-- multi-column and MATCH FULL
create table pm (a int, b int, primary key (a, b));
insert into pm values (1, 1);
create table cm (x int, y int, foreign key (x, y) references pm (a, b));
insert into cm values (1, 1), (1, null), (null, 5);
insert into cm values (1, 2);
create table cf (x int, y int, foreign key (x, y) references pm match full);
insert into cf values (null, null);
insert into cf values (1, null);
-- named column constraints
create table named (id int primary key, pid int constraint named_to_p references p (id) on delete set null, q int constraint q_pos check (q > 0), "Mixed" int constraint mixed_fk references p);
alter table named add column r int constraint r_to_p references p;
select conname, contype, pg_get_constraintdef(oid) from pg_constraint where conrelid = 'named'::regclass and contype in ('c', 'f') order by conname;
insert into named values (1, 77, 1, null, null);
-- DDL errors
create table bad5 (a int references nosuch);
create table bad6 (a int references p (name));
create table bad7 (a text references p (id));
create table bad8 (a int, b int, foreign key (a, b) references p (id));
create table bad9 (a int references c (nosuch));
create table nopk (a int);
create table bad10 (a int references nopk);
-- ALTER TABLE ADD FOREIGN KEY validates
create table late (id int, pid int);
insert into late values (1, 1), (2, 77);
alter table late add foreign key (pid) references p (id);
delete from late where id = 2;
alter table late add foreign key (pid) references p (id);
alter table late add constraint late_fk2 foreign key (pid) references p (id) on delete cascade;
select conname, contype, pg_get_constraintdef(oid) from pg_constraint where conrelid = 'late'::regclass order by conname;
alter table late drop constraint late_pid_fkey;
create table uq (a int, b int, constraint uq_a unique (a));
create table uref (a int references uq (a));
alter table uq drop constraint uq_a;
alter table uq drop constraint uq_a cascade;
select conname from pg_constraint where conrelid in ('uq'::regclass, 'uref'::regclass) order by conname;
-- psql's \d: Check constraints. (Its foreign-key sections need
-- pg_class.relhastriggers, whose query on pg_trigger uses WITH ORDINALITY
-- and regclass output by name, which nqdb does not have yet.)
\d t
\d e
select constraint_schema, constraint_name, table_name, constraint_type, is_deferrable, initially_deferred, enforced from information_schema.table_constraints where table_name in ('c', 'ca', 't') and constraint_type in ('CHECK', 'FOREIGN KEY') and constraint_name not like '%not_null' order by constraint_name;
select constraint_name, check_clause from information_schema.check_constraints where constraint_name not like '%not_null' and constraint_schema = 'public' order by constraint_name;
select constraint_name, unique_constraint_schema, unique_constraint_name, match_option, update_rule, delete_rule from information_schema.referential_constraints order by constraint_name;
select constraint_name, table_name, column_name, ordinal_position, position_in_unique_constraint from information_schema.key_column_usage where constraint_name like '%fkey' order by constraint_name, ordinal_position;
select constraint_name, table_name, column_name from information_schema.constraint_column_usage where constraint_name like '%fkey' or constraint_name like '%check' order by constraint_name, column_name;
select conname, contype, conkey, confkey, confupdtype, confdeltype, confmatchtype, convalidated from pg_constraint where contype in ('c', 'f') and conrelid <> 0 order by conname;
select conname, c.relname, p.relname from pg_constraint join pg_class c on c.oid = conrelid join pg_class p on p.oid = confrelid where contype = 'f' order by conname;
-- DROP TABLE and TRUNCATE of a referenced table
drop table pa;
truncate pm;
truncate pm, cm;
truncate pm cascade;
drop table p;
drop table p cascade;
select conname from pg_constraint where contype = 'f' order by conname;
