-- Views: create, query (joins, filters, aggregates over them), replace,
-- drop, errors, psql's \dv and \d of a view.
create table emp (id int primary key, name text, dept text, salary int);
insert into emp values (1, 'ann', 'eng', 100), (2, 'bob', 'eng', 80), (3, 'cy', 'ops', 90);
create view eng as select id, name, salary from emp where dept = 'eng';
select * from eng order by id;
select name from eng where salary > 90;
create view totals (dept, total) as select dept, sum(salary) from emp group by dept;
select * from totals order by dept;
select e.name, t.total from emp e join totals t on t.dept = e.dept order by e.id;
select count(*) from eng, totals;
create view eng as select 1;
create or replace view eng as select id, name, salary, dept from emp where dept = 'eng';
select * from eng order by id;
create or replace view emp as select 1;
create view bad as select nosuch from emp;
create view bad2 (a, b) as select 1;
drop table eng;
drop view emp;
drop view nosuch;
drop view if exists nosuch;
create view v3 as select name, (select count(*) from emp x where x.dept = e.dept) as n from emp e;
select * from v3 order by name;
begin;
drop view v3;
rollback;
select count(*) from v3;
\dv
drop view eng, totals, v3;
select * from eng;
-- a view or a sequence is not a table for TRUNCATE, COPY or CREATE INDEX
create view vv as select 1 as a;
create sequence sq;
truncate vv;
truncate sq;
create index on vv (a);
insert into sq values (1, 1, true);
select * from vv;
copy vv to stdout;
create index on sq (last_value);
