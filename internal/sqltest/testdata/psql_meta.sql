-- psql meta-commands beyond \d: the + forms, \l with a pattern, \x, \copy,
-- \dp, \dx, \db, \dconfig, \pset; each must print what PostgreSQL 15 prints.
-- \dt+, \di+ and \ds+ are left out: their Size column measures each
-- server's own storage (nqdb's B+trees, PostgreSQL's heap and TOAST).
create schema shop;
create table shop.items (id int primary key, name text not null, price numeric(8,2) default 0);
create index items_name on shop.items (name);
create view shop.cheap as select id, name from shop.items where price < 10;
create sequence shop.item_seq;
create table notes (id serial primary key, body text);
comment on table shop.items is 'things we sell';
insert into shop.items values (1, 'pen', 1.50), (2, 'book', 12.00), (3, 'cup', 4.25);
\dv+ shop.*
\dt shop.*
\di shop.*
\ds shop.*
\dn+ shop
\dp shop.*
\dx
\db
\du+
\l postgres
\dconfig work_mem
\dconfig+ search_path
\x on
select * from shop.items order by id;
\x off
\x auto
select id, name from shop.items where id = 1;
\x off
\copy shop.items to stdout
\copy shop.items (id, name) to stdout with (format csv, header)
\copy notes (body) from stdin
first note
second, with a comma
\.
select * from notes order by id;
\copy (select name from shop.items order by price desc) to stdout
\pset format aligned
\pset border 2
select id, name, price from shop.items order by id;
\pset border 1
\pset null '(null)'
select null::text as nothing, 1 as one;
\pset format unaligned
select id, name from shop.items order by id;
\pset format aligned
\d+ notes
