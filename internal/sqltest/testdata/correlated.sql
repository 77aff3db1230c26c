-- Correlated subqueries: scalar, EXISTS, IN, ANY/ALL, in WHERE, the select
-- list, ORDER BY, JOIN conditions, UPDATE and DELETE; nested levels.
create table dept (id int primary key, name text);
create table emp (id int primary key, dept int, salary int, boss int);
insert into dept values (1, 'eng'), (2, 'ops'), (3, 'empty');
insert into emp values (1, 1, 100, null), (2, 1, 80, 1), (3, 2, 90, 1), (4, 2, 95, 3), (5, null, 50, 3);
select d.name, (select count(*) from emp e where e.dept = d.id) as n from dept d order by d.id;
select d.name from dept d where exists (select 1 from emp where dept = d.id) order by 1;
select d.name from dept d where not exists (select 1 from emp where dept = d.id) order by 1;
select id, salary from emp e where salary > (select avg(salary) from emp x where x.dept = e.dept) order by id;
select id from emp e where dept in (select id from dept where name <> 'ops' and id = e.dept) order by id;
select id from emp e where salary >= all (select salary from emp x where x.dept = e.dept) order by id;
select id from emp e where salary < any (select salary from emp x where x.dept = e.dept) order by id;
select id, (select name from dept where id = emp.dept) from emp order by (select name from dept where id = emp.dept) nulls first, id;
select e.id, (select b.salary from emp b where b.id = e.boss) as boss_salary from emp e order by e.id;
select d.name, (select max(x.s) from (select salary as s from emp where dept = d.id) x) from dept d order by d.id;
select id from emp e where exists (select 1 from dept d where d.id = e.dept and exists (select 1 from emp f where f.dept = d.id and f.salary > e.salary)) order by id;
select e.id, d.name from emp e join dept d on d.id = e.dept and exists (select 1 from emp x where x.boss = e.id) order by e.id;
select (select id from emp where dept = d.id) from dept d order by d.id;
select name from dept d where id = (select dept from emp where id = d.id + 10);
update emp set salary = salary + (select count(*) from emp x where x.boss = emp.id) where dept = 1;
delete from emp e where not exists (select 1 from dept where id = e.dept);
select * from emp order by id;
select (select nosuch from emp where dept = d.id) from dept d;
select (select e.nosuch from emp e where dept = d.id) from dept d;
select (select zz.id from emp e where dept = d.id) from dept d;
