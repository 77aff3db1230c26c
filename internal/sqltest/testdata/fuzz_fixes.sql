-- Bugs the differential fuzzer (internal/difffuzz) found, pinned.
create table t (i2 int2, i4 int4, n numeric, v varchar(8), w varchar(8));
insert into t values (1, 1, 1.5, 'b', 'a'), (2, 0, null, 'a', null), (null, 3, 0.05, null, 'c');
select nullif(i2, 1), nullif(i4, 1.5), nullif(v, 'a'), nullif(n, 1) from t order by 1, 2, 3, 4;
select pg_typeof(nullif(i2, 0)), pg_typeof(nullif(i4, 1.5)), pg_typeof(nullif(v, 'a')) from t limit 1;
select max(v), min(v), pg_typeof(max(v)) from t;
select greatest(v, w), least(v, w), pg_typeof(greatest(v, w)) from t order by 1, 2;
select ceil(n / 7), floor(-n / 7), ceil(-0.05), floor(0.05), ceil(0.1 / 1.5), floor(-0.5 / 7) from t order by 1, 2;
select 0 from t a join t b on false left join t c on true;
select count(*) from t a join t b on a.i4 = b.i4 and false left join t c on true;
-- constants in GROUP BY and ORDER BY: integers are positions, others errors
select i4 from t group by 1.5;
select 0 from t group by (- 0);
select i4 from t group by (1) order by (1);
select i4 from t order by 'x';
select i4 from t order by null;
select i4 from t order by -1;
select i4, count(*) from t group by 'a', i4 order by 1;
-- CASE ... END as an operand of :: and IS [NOT] DISTINCT FROM
select case when i4 > 0 then 1.5 else 2 end::float8 from t order by 1;
select i4 from t where i4 is distinct from case when i2 = 1 then 1 end order by 1;
select 0 is distinct from case (-2) when 0 then 0 else 0 end, 1 is not distinct from case when false then 2 end and true;
select case when true then case when false then 1 else 2 end end::text || 'x';
-- FROM inside EXTRACT / SUBSTRING / TRIM separates arguments, even before a function call
select extract(month from coalesce(date '2020-03-01', date '2020-01-01')), extract(year from greatest(date '2020-01-01', date '2021-01-01'));
select substring('abcdef' from abs(2) for length('ab')), trim(both 'x' from lower('xAx')), position('b' in lower('ABC'));
select g from generate_series(1, 2) g order by 1;
-- GROUP BY expressions (not plain columns) matched in the select list and HAVING
select i4 is null, count(*) from t group by i4 is null order by 1;
select case when i4 > 0 then 'p' else 'n' end, count(*) from t group by case when i4 > 0 then 'p' else 'n' end order by 1;
select case when i4 > 0 then 'p' end, count(*) from t group by case when i4 > 0 then 'p' end having case when i4 > 0 then 'p' end is not null;
select (i4 > 1) is true, greatest(i4, 2), count(*) from t group by (i4 > 1) is true, greatest(i4, 2) order by 1, 2;
-- an unknown literal under DISTINCT in a set operation is text first
select pg_typeof(x) from (select distinct 'a' as x from t except all select v from t) s;
select pg_typeof(x) from (select 'a' as x from t union select v from t) s limit 1;
