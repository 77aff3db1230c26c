-- Aggregation and expression kernels over batches (executor/eval
-- batch_agg.go, batch_expr.go, vector.go) against PostgreSQL: sums and
-- averages of numerics kept as scaled integers (result scale, avg's
-- rounding, sums past 64 and 128 bits falling back to apd), integer and
-- float sums, NULLs, empty input, FILTER, CASE arms of different scales,
-- columns without a typmod, and batches of more than 1024 rows.
create table ak (id int, g int, q numeric(15,2), p numeric(15,2), d numeric(15,2), x numeric,
  i2 smallint, i4 int, i8 bigint, f4 real, f8 float8, s text, b bool);
insert into ak
select n, n % 4, (n * 7919) % 50 + 1, ((n::int8 * 104729) % 9000000) / 100.0 + 900, ((n * 31) % 11) / 100.0,
  case n % 5 when 0 then null when 1 then n / 7.0 when 2 then n when 3 then -n * 1000 else n / 1000.0 end,
  (n % 300)::smallint, n * 1000, n::int8 * 1000000007, n / 3.0, n / 7.0,
  case when n % 3 = 0 then 'PROMO' || n else 'STD' || n end, n % 2 = 0
from generate_series(1, 5000) n;
insert into ak values (5001, null, null, null, null, null, null, null, null, null, null, null, null);

-- TPC-H Q1's shape.
select g, sum(q), sum(p), sum(p * (1 - d)), sum(p * (1 - d) * (1 + d)), avg(q), avg(p), avg(d), count(*)
from ak group by g order by g;
-- Q6's and Q14's shapes.
select sum(p * d) from ak where d between 0.05 and 0.07 and q < 24;
select 100.00 * sum(case when s like 'PROMO%' then p * (1 - d) else 0 end) / sum(p * (1 - d)) from ak;
select sum(case when s like 'PROMO%' then p * (1 - d) else 0 end) from ak where id < 3;
select sum(case when s like 'PROMO%' then p * (1 - d) else 0 end) from ak where id % 3 <> 0;
-- Q12's shape: CASE over a comparison chain, integer sums.
select g, sum(case when s = 'STD1' or s = 'STD2' or b then 1 else 0 end),
  sum(case when s <> 'STD1' and not b then 1 else 0 end) from ak group by g order by g;
-- Numerics without a typmod: scales differ from row to row.
select sum(x), avg(x), count(x), min(x), max(x) from ak;
select g, sum(x), avg(x), sum(x * q), sum(x + q), sum(x - 0.001) from ak group by g order by g;
select sum(x * x), sum(x * 1.5), sum(case when g = 1 then x else q end) from ak;
-- Integer and float sums and averages.
select sum(i2), sum(i4), sum(i8), avg(i2), avg(i4), avg(i8), sum(i4 + i2), sum(i4 * 2) from ak;
select g, sum(i8 * 3), avg(i8 - i4), sum(i2 / 7), sum(-i4) from ak group by g order by g;
select sum(f4), sum(f8), avg(f4), avg(f8), sum(f8 * 3), sum(f8 / 7), sum(f8 - f4) from ak;
select g, sum(f8), avg(f8), sum(i4::float8), sum(i4::numeric * q) from ak group by g order by g;
-- FILTER, count(x), empty groups and empty input.
select g, count(*) filter (where b), sum(q) filter (where q > 25), avg(p) filter (where s like 'PROMO%'),
  count(x), count(*) from ak group by g order by g;
select sum(q), avg(q), count(*), count(q), sum(i4), sum(f8) from ak where id < 0;
select g, sum(q) from ak where id < 0 group by g;
select sum(q) filter (where false), avg(p) filter (where id < 0) from ak;
-- Negative values and values that cancel.
select sum(-q), sum(q - p), avg(q - 25.5), sum(case when b then q else -q end) from ak;
-- Overflow: products past int64 fall back to apd, sums past 64 bits go to
-- 128, integer overflow errors as in PostgreSQL.
select sum(p * 1000000000000.00), sum(i8 * i8::numeric), avg(i8::numeric * 100000000000) from ak;
select sum(x * 100000000000000000000) from ak;
select sum(i8 * 10000000000) from ak;
select sum(i4 * 100000) from ak;
-- Division and min/max/other aggregates through the row path.
select sum(q / 3), avg(p / d) filter (where d > 0), max(p * d), min(q - p), bool_and(b), string_agg(s, ',' order by id)
from ak where id <= 20;
select g, max(p), min(d), max(s), sum(distinct q), count(distinct g) from ak group by g order by g;
-- NaN and infinity.
create table akn (v numeric, f float8);
insert into akn select n / 10.0, n from generate_series(1, 3000) n;
insert into akn values ('NaN', 'NaN');
select sum(v), avg(v), sum(f), avg(f) from akn;
select sum(v * 2), sum(f * 2) from akn where v < 100;
-- avg's rounding and result scale.
create table aka (v numeric(10,3), w numeric(20,10), k int);
insert into aka select n / 7.0, n / 3.0, n % 3 from generate_series(1, 2500) n;
select k, avg(v), avg(w), sum(v * w), avg(v * w) from aka group by k order by k;
select avg(v) from aka where k = 1 and v < 1;
