-- Sorted aggregation (GroupAggregate: planner/groupagg.go,
-- executor/eval/groupagg.go): a GROUP BY over a prefix of the primary
-- key, or of an index an index scan reads, streams one group at a time.
-- The tables span many batches (1024 rows) so that groups cross batch
-- boundaries; the results must be hash aggregation's, which PostgreSQL's
-- answers stand for here.
create table li (ok int, ln int, qty numeric(15,2), price float8, tag text, n int, primary key (ok, ln));
insert into li select g / 7, g % 7, (g % 50) + 0.25, (g % 13) * 1.5, 't' || (g % 3), case when g % 11 = 0 then null else g % 5 end
  from generate_series(1, 20000) g;
create table one (k bigint primary key, v int);
insert into one select g, g % 10 from generate_series(1, 5000) g;
create table ix (id int primary key, k int, v int);
create index ix_k on ix (k);
insert into ix select g, case when g % 9 = 0 then null else g % 40 end, g from generate_series(1, 6000) g;
create table empty_t (a int, b int, c int, primary key (a, b));
analyze li;
analyze one;
analyze ix;
-- group keys a prefix of the composite primary key
select ok, count(*), sum(qty), avg(qty), min(tag), max(price) from li group by ok order by ok limit 20;
select ok, count(*), sum(qty), avg(qty), min(tag), max(price) from li group by ok order by ok desc limit 5;
select count(*), sum(c), sum(s) from (select ok, count(*) c, sum(qty) s from li group by ok) x;
select ok, sum(qty) from li group by ok having sum(qty) > 340 order by ok;
-- the whole key, in either order (a permutation of the prefix)
select count(*), sum(c) from (select ln, ok, count(*) c from li group by ln, ok) x;
select ok, ln, count(*) from li where ok < 3 group by ln, ok order by 1, 2;
-- a key column pinned by WHERE
select ln, count(*), sum(qty) from li where ok = 100 group by ln order by ln;
select ok, ln, sum(qty) from li where ok = 100 group by ok, ln order by 1, 2;
-- the single-column primary key: every row a group
select count(*), sum(v) from (select k, sum(v) v from one group by k) x;
select k, count(*), sum(v) from one where k between 100 and 110 group by k order by k;
-- not a key prefix: hashed
select ln, count(*), sum(qty) from li group by ln order by ln;
select tag, count(*) from li group by tag order by tag;
-- GROUP BY an expression over the key (not ordered by it)
select ok % 10, count(*), sum(qty) from li group by ok % 10 order by 1;
select ok / 100, count(*) from li group by 1 order by 1;
-- NULLs in the keys through a secondary index scan (NULLs last)
select k, count(*), sum(v) from ix where k < 5 group by k order by k;
select k, count(*) from ix where k is null group by k;
select k, count(*), min(v), max(v) from ix group by k order by k nulls first;
-- DISTINCT aggregates, FILTER, ORDER BY in the call
select ok, count(distinct n), count(*) filter (where n > 2), sum(distinct qty) from li where ok < 40 group by ok order by ok;
select ok, string_agg(tag, ',' order by ln desc), array_agg(n order by ln) from li where ok between 10 and 14 group by ok order by ok;
select ok, count(n), bool_and(n > 0), bool_or(n > 3) from li where ok < 20 group by ok order by ok;
-- float sums and variance (order dependent rounding)
select ok, sum(price), avg(price), stddev(price), var_pop(qty) from li where ok < 30 group by ok order by ok;
select count(*), round(sum(s)::numeric, 4) from (select ok, sum(price * 1.1) s from li group by ok) x;
-- ordered-set aggregates
select ok, percentile_cont(0.5) within group (order by price), percentile_disc(0.5) within group (order by qty), mode() within group (order by tag)
  from li where ok < 15 group by ok order by ok;
-- JSON aggregates
select ok, json_agg(n), jsonb_object_agg(ln, tag) from li where ok < 4 group by ok order by ok;
-- empty input
select a, count(*), sum(c) from empty_t group by a;
select a, b, count(*) from empty_t group by a, b;
select ok, count(*) from li where ok < 0 group by ok;
-- errors come as hash aggregation raises them
select ok, sum(100 / (ok - 50)) from li group by ok order by ok;
select ok, sum(n::int2 * 30000::int2) from li group by ok order by ok;
-- inside subqueries (TPC-H q18's shape) and CTEs
select count(*) from li where ok in (select ok from li group by ok having sum(qty) > 340);
select o.k, o.v from one o where o.k in (select ok from li group by ok having sum(qty) > 345) order by o.k;
with g as materialized (select ok, sum(qty) s from li group by ok) select count(*), sum(g.s) from g, g g2 where g.ok = g2.ok;
-- under LIMIT without ORDER BY: groups in key order, as PostgreSQL's
select ok, count(*) from (select ok, ln from li order by ok, ln) s group by ok order by ok limit 3;
