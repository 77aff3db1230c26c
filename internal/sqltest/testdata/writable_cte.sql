-- Data-modifying statements in WITH (writable CTEs).
create table t (a int primary key, b text);
create table arch (a int, b text);
create table s (id serial primary key, v text default 'dflt', n int);
insert into t values (1, 'one'), (2, 'two'), (3, 'three'), (4, 'four'), (5, 'five');

-- DELETE ... RETURNING read by the main query
with d as (delete from t where a = 5 returning *) select * from d;
with d as (delete from t where a > 100 returning *) select count(*) from d;
-- RETURNING expressions and a column list
with d(x, y) as (delete from t where a = 4 returning a * 10, upper(b)) select y, x from d;
select * from t order by a;

-- the main query reads the table as it was before the statement
insert into t values (4, 'four'), (5, 'five');
with u as (update t set b = b || '!' where a <= 2 returning *) select t.a, t.b, u.b from t left join u using (a) order by a;
select * from t order by a;
with i as (insert into t values (6, 'six') returning *) select (select count(*) from t) as before, (select count(*) from i) as added;
select count(*) from t;

-- moving rows
with moved as (delete from t where a >= 5 returning *) insert into arch select * from moved;
select * from arch order by a;
select * from t order by a;
with moved as (delete from arch returning a, b) insert into t select a, b || '?' from moved returning *;

-- items without RETURNING run once even when nothing reads them
with x as (insert into arch values (100, 'h')), y as (delete from arch where a = 100) select 1 as one;
select * from arch order by a;
with x as (insert into arch values (101, 'i')) select 2 as two;
select * from arch order by a;

-- several items; later items and the main statement read earlier ones
with d as (delete from t where a = 6 returning *),
     e as (select a + 1000 as a, b from d),
     i as (insert into arch select * from e returning *)
select (select a from d) as deleted, (select a from i) as archived;
select * from arch order by a;

-- the same item read twice yields the same rows
with d as (update t set b = 'x' || b where a = 1 returning a, b) select * from d, d d2;

-- the main statement is INSERT / UPDATE / DELETE
with src as (select 7 as a, 'seven' as b) insert into t select * from src;
with src as (select 7 as a) update t set b = 'SEVEN' where a in (select a from src) returning *;
with d as (delete from arch returning *) delete from t where a in (select a - 1000 from d) returning *;
with n as (insert into arch values (1, 'x') returning a) delete from t where a in (select a from n);
select * from t order by a;
select * from arch order by a;
with d as (delete from arch returning *) update t set b = 'upd' where a = 2;

-- defaults, serial, ON CONFLICT and UPDATE ... FROM inside items
with i as (insert into s (n) values (1), (2) returning *) select * from i order by id;
with i as (insert into s (id, n) values (1, 10), (9, 9) on conflict (id) do update set n = excluded.n returning id, n) select * from i order by id;
with u as (update s set n = s.n + t.a from t where t.a = s.id returning s.id, s.n, t.b) select * from u order by id;
with d as (delete from s using t where t.a = s.id returning s.*) select * from d order by id;
select * from s order by id;

-- MATERIALIZED, RECURSIVE
with m as materialized (select a from t where a < 3) select * from m order by a;
with m as not materialized (select a from t where a < 3), d as (delete from s returning id) select (select count(*) from m), (select count(*) from d);
with recursive r(n) as (select 1 union all select n + 1 from r where n < 3),
     i as (insert into arch select n, 'r' || n from r returning *)
select * from i order by a;
insert into t values (8, 'eight') returning *;

-- parameters
prepare p(int) as with d as (delete from t where a = $1 returning *) select * from d;
execute p(8);
execute p(8);
deallocate p;

-- the upsert idiom, correlated and lateral reads of an item, UNION ALL
create table kv (k text primary key, v int);
with upd as (update kv set v = v + 1 where k = 'a' returning k) insert into kv select 'a', 1 where not exists (select 1 from upd);
with upd as (update kv set v = v + 1 where k = 'a' returning k) insert into kv select 'a', 1 where not exists (select 1 from upd);
select * from kv;
with d as (delete from kv returning *) select k, (select count(*) from d d2 where d2.k <= d.k) from d;
insert into kv values ('x', 1), ('y', 2);
with d as (delete from kv where k = 'x' returning *) select * from kv, lateral (select * from d where d.v <= kv.v) s order by kv.k;
with d as (delete from kv where k = 'y' returning *) select * from d union all select * from d;

-- errors
with d as (delete from t where a = 2) select * from d;
select * from (with d as (delete from t returning *) select * from d) x;
select 1 from t where a in (with d as (delete from t returning a) select a from d);
with d as (delete from t returning *), d as (select 1) select 1;
with d(x, y, z) as (delete from t returning *) select * from d;
with d as (delete from t where nosuch = 1 returning *) select * from d;
with d as (delete from t returning nosuch) select * from d;
with d as (delete from nosuch returning *) select * from d;
with q as (select nosuch from t), d as (delete from arch returning *) select * from q;
with d as (delete from) select 1;
with d as (delete from t returning *) select * from d where nosuch;
with d as (insert into t values (1, 'dup') returning *) select * from d;
with d as (insert into s (n) values (1) returning *), e as (insert into t values (1, 'dup')) select * from d;
select * from s order by id;
create view v as with d as (delete from t returning *) select * from d;
begin;
declare c cursor for with d as (delete from t returning *) select * from d;
rollback;
select * from t order by a;
select * from arch order by a;
