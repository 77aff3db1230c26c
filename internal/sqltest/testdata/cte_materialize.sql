-- The CTE materialization rule (planner/ctematerialize.go,
-- executor/eval/cte_shared.go): a WITH query referenced more than once,
-- or declared AS MATERIALIZED, runs once per execution and is read
-- through CTE Scans; one referenced once, or AS NOT MATERIALIZED, is
-- inlined. Results, volatile functions seen once, errors, laziness under
-- LIMIT, and EXPLAIN (COSTS OFF) shapes.
create table t (a int primary key, b int, c text);
insert into t select i, i % 7, 'v' || i from generate_series(1, 200) i;
create table s (k int primary key, name text);
insert into s select i, 'name' || i from generate_series(0, 6) i;
analyze t;
analyze s;
-- referenced twice: a join of the CTE with itself, and TPC-H Q15's shape
with c as (select b, sum(a) as total from t group by b)
select c1.b, c1.total, c2.total from c c1 join c c2 on c1.b = c2.b order by 1;
with rev as (select b as no, sum(a) as total from t where a > 10 group by b)
select k, name, total from s, rev where k = no and total = (select max(total) from rev) order by k;
-- only in subqueries
with c as (select a from t where b = 3)
select (select max(a) from c), (select min(a) from c), (select count(*) from c);
-- in another WITH item and in the main query
with c as (select a, b from t where a <= 20), d as (select b, count(*) n from c group by b)
select c.a, d.n from c join d using (b) order by 1;
-- a volatile function runs once: both reads see the same value
with r as (select random() as x)
select count(distinct x) from (select x from r union all select x from r) u;
with r as materialized (select random() as x)
select count(distinct x) from (select x from r union all select x from r) u;
-- errors in the CTE
with c as (select 1 / (3 - i) as x from generate_series(1, 5) i)
select count(*) from c, c d;
-- a LIMIT reads only the rows it needs
with c as materialized (select 1 / (3 - i) as x from generate_series(1, 5) i)
select * from c limit 1;
-- the same CTE under a nested loop, read again for each outer row
with c as (select a from t where a <= 3)
select s.k, (select count(*) from c where c.a > s.k) from s order by 1;
select s.k from s where exists (with c as (select a from t where a < 4) select 1 from c, c c2 where c.a = s.k and c2.a = c.a) order by 1;
-- EXISTS and IN over a materialized CTE
with c as (select a, b from t where a < 30)
select count(*) from t where exists (select 1 from c where c.a = t.a) and t.b in (select b from c);
-- prepared, custom then generic plans
prepare p(int) as with c as (select a, b from t where a > $1) select count(*), (select max(a) from c) from c;
execute p(10);
execute p(20);
execute p(30);
execute p(40);
execute p(50);
execute p(60);
execute p(70);
deallocate p;
-- in a SQL function and in a view
create function f(int) returns bigint language sql as
  'with c as (select a from t where a > $1) select count(*) from c, c c2 where c.a = c2.a';
select f(100), f(150), f(10);
create view v as with c as (select b, count(*) n from t group by b) select c.b, c.n, c2.n as n2 from c join c c2 using (b);
select * from v order by 1;
-- a CTE that reads the outer query's row is inlined
select a, (with c as (select t.b as x) select count(*) from c c1, c c2) from t where a < 4 order by 1;
-- data-modifying items beside a materialized one
begin;
with d as (delete from t where a > 195 returning a), c as (select a from t where a < 3)
select (select count(*) from d), (select count(*) from c), (select sum(a) from c);
rollback;
-- plans
explain (costs off) with c as (select a from t) select * from c, c d where c.a = d.a;
explain (costs off) with c as materialized (select a from t) select * from c where a = 1;
explain (costs off) with c as not materialized (select a, b from t) select * from c where a = 1 and b = 1;
explain (costs off) with c as (select a from t) select * from c where a = 1;
explain (costs off) with c as (select b, count(*) from t group by b) select * from c, c d;
