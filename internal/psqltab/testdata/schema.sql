-- The schema both servers get before psql's tab completion is driven over
-- them: two schemas, tables, a view, a sequence, indexes, an enum, a
-- domain, functions.
create schema sales;
create type mood as enum ('sad', 'ok', 'happy');
create domain posint as int check (value > 0);
create table customers (id int primary key, name text not null, email text unique, mood mood, visits posint);
create table cutlery (id serial primary key, kind text);
create table sales.orders (id bigint primary key, customer_id int references customers (id), total numeric(10,2),
  placed date);
create table sales.order_lines (order_id bigint references sales.orders (id), line int, item text,
  primary key (order_id, line));
create index customers_name_idx on customers (name);
create index orders_placed_idx on sales.orders (placed);
create sequence invoice_seq;
create view vip_customers as select id, name from customers where visits > 10;
create function add_visit(c int) returns int language sql as $$ update customers set visits = visits + 1 where id = c returning visits $$;
create function cust_count() returns bigint language sql as 'select count(*) from customers';
