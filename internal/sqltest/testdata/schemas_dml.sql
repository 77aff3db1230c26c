-- Schema-qualified names through DML, COPY, TRUNCATE, indexes, sequences,
-- views, foreign keys and DROP of each kind.
create schema app;
create table app.users (id serial primary key, name text unique);
create table app.orders (id int primary key, user_id int references app.users (id) on delete cascade, total numeric);
insert into app.users (name) values ('ann'), ('bob');
insert into app.orders values (1, 1, 10.5), (2, 2, 3), (3, 1, 7);
update app.orders set total = total * 2 where user_id = 1;
delete from app.users where name = 'bob';
select * from app.orders order by id;
select u.name, sum(o.total) from app.users u join app.orders o on o.user_id = u.id group by u.name;
insert into app.orders values (4, 99, 1);
copy app.users to stdout;
copy app.users (name) from stdin;
cy
\.
select * from app.users order by id;
create index orders_total on app.orders (total);
\d app.orders
\di app.*
create sequence app.s;
select nextval('app.s');
create view app.big as select * from app.orders where total > 5;
select * from app.big order by id;
\dv app.*
\ds app.*
truncate app.orders;
select count(*) from app.orders;
drop index app.orders_total;
drop view app.big;
drop sequence app.s;
alter table app.orders rename to orders2;
select count(*) from app.orders2;
alter table app.orders2 add column note text;
\d app.orders2
drop table app.orders2, app.users;
select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'app';
drop schema app;
