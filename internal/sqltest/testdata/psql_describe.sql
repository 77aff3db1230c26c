-- psql's \d family over a schema with a serial key, defaults, a unique
-- constraint and indexes (psql sends catalog queries with correlated
-- subqueries, LATERAL functions and ARRAY(subquery)).
create table items (id serial primary key, name text not null default 'unnamed', qty int default 6, code varchar(10) unique, note text);
create index items_name_qty on items (name, qty);
create table plain (a int, b text);
\d items
\d plain
\d items_pkey
\d+ items
\di
\du
select 'items'::regclass::oid > 0, 'items_id_seq'::regclass::oid > 0;
select 'nosuch'::regclass;
select count(*) from pg_attribute where attrelid = 'items'::regclass and attnum > 0;
select pg_get_expr(adbin, adrelid) from pg_attrdef where adrelid = 'items'::regclass order by adnum;
insert into items (code) values ('x');
insert into items (code) values ('y');
select id, name, qty, code from items order by id;
create sequence other_seq increment by 5 start with 10;
\ds
\d items_id_seq
\d other_seq
select typname from pg_type where typinput = 'array_in'::regproc and typelem = 23;
