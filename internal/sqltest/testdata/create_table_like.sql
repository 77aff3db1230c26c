-- CREATE TABLE t (LIKE src): names, types, typmods, domains and NOT NULL
-- are copied; defaults, identity, constraints and indexes are not.
create domain posint as int check (value > 0);
create table src (id serial primary key, name varchar(20) not null default 'x', amount numeric(10,2), p posint, at timestamptz default now());
create table c1 (like src);
\d c1
insert into c1 (name, amount, p) values ('a', 1.234, 5);
insert into c1 (id, amount) values (1, 2);
insert into c1 (id, name, p) values (1, 'b', 0);
insert into c1 (id, name, amount, p) values (1, 'b', 12345678.123, 1);
insert into c1 (id, name, amount, p) values (1, 'b', 1.235, 1), (1, 'b', null, null);
select id, name, amount, p, at from c1 order by amount nulls first;
create table c2 (like nosuch);
create table c2 (like public."src");
\d c2
create temp table c5 (like src);
\d c5
create view v as select id, name || '!' as shout from src;
create table c7 (like v);
\d c7
drop table c1, c2, c5, c7;
drop view v;
drop table src;
drop domain posint;
