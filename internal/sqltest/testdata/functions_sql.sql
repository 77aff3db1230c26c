-- User-defined SQL functions and procedures: CREATE [OR REPLACE]
-- FUNCTION / PROCEDURE in every body form, parameters by position, name
-- and default, overloading, inlining, set-returning functions, recursion,
-- CALL, DROP / ALTER, the errors PostgreSQL gives for each, and the
-- functions' survival of a rollback.
create table t (id int primary key, v text);
insert into t values (1, 'one'), (2, 'two'), (3, 'three');
create function add1(int) returns int as 'select $1 + 1' language sql immutable;
select add1(41), add1(null), add1('5');
create function addn(a int, b int default 10) returns int language sql as $$ select a + b $$;
select addn(1), addn(1, 2);
create function addn(a numeric, b numeric) returns numeric language sql as $$ select a * b $$;
select addn(2.5, 2), addn(2, 3), pg_typeof(addn(2.5, 2));
create function getv(int) returns text language sql stable as 'select v from t where id = $1';
select id, getv(id) from t order by id;
select getv(42) is null as missing;
create function ids() returns setof int language sql as 'select id from t order by id';
select ids();
select * from ids();
select x from ids() as x where x > 1;
create function tids() returns table (n int) language sql as 'select id * 10 from t order by 1';
select tids();
create function fact(n int) returns numeric language sql strict
  as 'select case when n <= 1 then 1 else n * fact(n - 1) end';
select fact(10), fact(null);
create function twice(x int) returns int return x * 2;
select twice(21);
create function atom(a int) returns int language sql
begin atomic
  select a + 100;
end;
select atom(1);
create function multi(x int) returns text language sql as $$
  insert into t values (x, 'added');
  select v from t where id = x;
$$;
select multi(10);
select * from t order by id;
create function del(x int) returns int language sql as 'delete from t where id = x returning id';
select del(10), del(11);
create function lit() returns text language sql as $$ select 'abc' $$;
select lit(), length(lit());
create function widen(int) returns bigint language sql as 'select $1';
select widen(7), pg_typeof(widen(7));
create function nothing() returns void language sql as 'select 1';
select nothing();
create function nums(n int, out sq int) language sql as 'select n * n';
select nums(7);
-- inlining makes the call an ordinary expression
explain (costs off) select * from t where id = add1(id);
select * from t where id = add1(1);
-- procedures
create procedure ins(i int, s text) language sql as $$ insert into t values (i, s) $$;
call ins(4, 'four');
select * from t order by id;
select ins(5, 'x');
call add1(1);
call nosuch(1);
call ins(1, nosuchcol);
call ins(!);
call ins('x', 'y');
-- a domain parameter and result
create domain posint as int check (value > 0);
create function half(posint) returns posint language sql as 'select ($1 / 2)::posint';
select half(10);
select half(1);
-- PL/pgSQL: the RETURN-only subset
create function vol(text) returns text as 'begin return $1; end' language plpgsql volatile;
select vol('bar'), vol(null);
-- errors at CREATE
create function bad1() returns int language sql as 'select nosuchcol';
create function bad2() returns int language sql as 'select * from nosuchtable';
create function bad3() returns int language sql as 'select ''a''::text';
create function bad4() returns int language sql as 'select 1, 2';
create function bad5(int) returns int language sql as 'select $2';
create function bad6() returns int as 'select 1';
create function bad7() returns int language sql;
create function bad8() returns int language nosuchlang as 'x';
create function bad9(a int default 1, b int) returns int language sql as 'select a';
create function bad10() returns int language sql immutable volatile as 'select 1';
create function bad11() returns nosuchtype language sql as 'select 1';
create function add1(int) returns int as 'select $1 + 2' language sql;
create or replace function add1(int) returns bigint as 'select $1 + 2' language sql;
create or replace procedure add1(int) language sql as 'select 1';
create function bad18(a int default nosuchcol) returns int language sql as 'select a';
create function bad12(void) returns int language sql as 'select 1';
create function bad14() returns int language sql parallel nosuch as 'select 1';
create function bad16() returns int language sql as 'select 1' return 1;
create function bad17() returns int language sql immutable stable as 'select 1';
alter function add1(int);
call;
-- errors at call
select add1(1, 2);
select add1('x');
select addn('1', '2');
select nosuch();
select public.add1(1), pg_catalog.add1(1);
-- OR REPLACE keeps the OID and changes the body
create temp table before as select oid from pg_proc where proname = 'add1';
create or replace function add1(int) returns int as 'select $1 + 2' language sql immutable;
select add1(40);
select p.oid = b.oid as same from pg_proc p, before b where p.proname = 'add1';
-- the catalog: pg_proc, \df, pg_get_functiondef and friends
select proname, prokind, provolatile, proisstrict, proretset, pronargs, pronargdefaults, prorettype::regtype,
  proargnames, proargmodes, prosrc, l.lanname, procost, prorows, proparallel
  from pg_proc p join pg_language l on l.oid = p.prolang
  where pronamespace = 'public'::regnamespace order by proname, pronargs, prorettype;
\df
select proname, pg_get_function_arguments(oid), pg_get_function_identity_arguments(oid), pg_get_function_result(oid)
  from pg_proc where pronamespace = 'public'::regnamespace order by proname, pronargs, prorettype;
select pg_get_functiondef(oid) from pg_proc where pronamespace = 'public'::regnamespace and prosrc <> ''
  order by proname, pronargs, prorettype;
create function opts(x int) returns setof int language sql immutable strict parallel safe cost 5 rows 10
  as $f$ select x $f$;
select pg_get_functiondef(oid) from pg_proc where proname = 'opts';
-- transactions
begin;
create function tx1() returns int language sql as 'select 1';
select tx1();
rollback;
select tx1();
begin;
drop function add1(int);
rollback;
select add1(0);
-- ALTER and DROP
alter function twice(int) rename to thrice;
select thrice(2);
select twice(2);
alter function thrice rename to twice;
alter function addn rename to x;
alter function nosuch(int) rename to y;
alter function add1(int) stable;
drop function twice;
drop function addn;
drop function addn(int, int), addn(numeric, numeric);
drop function if exists addn(int, int);
drop function if exists nosuch;
drop function nosuch(int);
drop procedure add1(int);
drop function ins(int, text);
drop procedure ins(int, text);
drop routine vol(text);
select vol('x');
-- psql reads the rest of the file into this one: it stays last
create function bad13(int returns int as 'x';
