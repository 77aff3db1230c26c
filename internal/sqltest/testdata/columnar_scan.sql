-- Scans that decode columns straight into typed vectors (filters on the
-- vectors, aggregates reading them): every fixed-width type, NULLs,
-- numerics of mixed scales, past int64, NaN, dropped and added columns,
-- long text. Enough rows for several 1024-row batches.
create table cs (
  i2 int2, i4 int4, i8 int8, f4 float4, f8 float8, b bool, d date, ts timestamp, tz timestamptz, tm time,
  n numeric, n2 numeric(12,2), t text, c char(3), v varchar(10), o oid, iv interval);
insert into cs
select (g % 300)::int2, g, g::int8 * 1000000007, (g % 17) / 4.0, (g % 23) / 8.0, g % 3 = 0,
  date '1995-01-01' + g % 500, timestamp '2000-01-01 00:00' + (g % 97) * interval '1 hour',
  timestamptz '2000-01-01 00:00+00' + (g % 89) * interval '1 minute', time '00:00' + (g % 61) * interval '1 minute',
  case g % 7 when 0 then g::numeric when 1 then g / 8.0 when 2 then g * 1.000 when 3 then 0.00001 * g
    when 4 then -g / 3.0 when 5 then 1e3 * g else g + 0.5 end,
  (g % 1000) / 100.0, 'row ' || (g % 13), case when g % 5 = 0 then 'ab' else 'xyz' end, 'v' || (g % 9), g % 50,
  (g % 5) * interval '1 day'
from generate_series(1, 5000) g;
insert into cs (i2, i4, n, t) values (null, null, null, null), (1, 1, 'NaN', 'nan'), (2, 2, 123456789012345678901234.5678, 'huge'),
  (3, 3, -99999999999999999999.99999, 'huge neg'), (4, 4, 1e30, 'exp'), (5, 5, 0.000000000000000000000001, 'tiny');
insert into cs (i4, f8, f4) values (6, 'NaN', 'NaN'), (7, 'Infinity', '-Infinity'), (8, -0.0, 0);
select count(*), sum(i2), sum(i4), sum(i8), sum(f4), sum(f8), sum(n), sum(n2), avg(n2), min(d), max(ts), min(tz), max(tm) from cs;
select count(*), sum(n), avg(n), sum(n * 2), sum(n2 * (1 - n2)) from cs where n < 100 and n >= -50;
select count(*), sum(n) from cs where n > 1e20;
select count(*) from cs where n = 'NaN';
select count(*), sum(i4) from cs where i2 between 10 and 20 and d >= date '1995-03-01' and d < date '1995-06-01';
select count(*), sum(f8) from cs where f8 > 1.5 and f4 <= 2;
select count(*) from cs where f8 = 'NaN' or f8 = 'Infinity';
select count(*), sum(i8) from cs where i8 > 4000000000000 and i4 <> 17;
select count(*), sum(n2) from cs where c = 'ab' and v in ('v1', 'v3');
select count(*), sum(n2) from cs where c = 'ab ' and t = 'row 3';
select count(*) from cs where t in ('row 1', 'row 2', 'nan') and ts < timestamp '2000-01-02 12:00';
select count(*) from cs where tz >= timestamptz '2000-01-01 00:30+00' and tm < time '00:30' and o < 20;
select count(*) from cs where b and iv > interval '2 days';
select b, count(*), sum(n2), sum(n), avg(i4), min(t), max(c) from cs where i4 < 4000 group by b order by b;
select t, sum(n2), count(n), sum(n2) filter (where n2 > 5) from cs where d > date '1995-02-01' group by t order by t;
select n2, count(*), sum(n2) from cs where n2 < 0.5 group by n2 order by n2;
select sum(n2) from cs where n2 >= 9.99;
select sum(case when n2 > 5 then n2 else 0 end), sum(i4 * 2), sum(f8 * 2) from cs where i4 % 2 = 0;
select count(*) from cs where 5 < i4 and 100.5 >= n2;
-- Dropped columns stay in the rows; columns added later are missing from
-- the rows written before.
alter table cs drop column i8;
alter table cs add column extra numeric default 2.5;
alter table cs add column extra2 int4;
insert into cs (i4, n, extra, extra2) values (9001, 1.25, 7.125, 3), (9002, null, null, null);
select count(*), sum(extra), sum(extra2), sum(n) from cs where i4 > 4990;
select count(*), sum(extra) from cs where extra > 2;
select extra, count(*) from cs group by extra order by extra;
-- Long (TOASTable) text beside the scanned columns.
create table lt (k int4, body text, x numeric);
insert into lt select g, repeat(md5(g::text), 100 + g % 50), g / 4.0 from generate_series(1, 3000) g;
select count(*), sum(x), sum(length(body)) from lt where k > 10 and x < 500;
select left(body, 8), x from lt where k in (5, 2999) order by k;
select sum(x) from lt where body > 'e';
drop table lt;
drop table cs;
