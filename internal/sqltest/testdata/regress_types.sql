-- Fixes found by the pg_regress scripts (internal/pgregress): DateStyle
-- and IntervalStyle output, float8 functions, to_char for numbers,
-- function-style casts and the boolean comparison functions.
CREATE TABLE rt_ts (id int PRIMARY KEY, d date, ts timestamp, tz timestamptz, iv interval);
INSERT INTO rt_ts VALUES
  (1, '2010-03-09', '2010-03-09 13:04:05.25', '2010-03-09 13:04:05.25+00', '1 year 2 mons 3 days 04:05:06.5'),
  (2, '0044-03-15 BC', '1999-12-31 23:59:59', '2024-07-01 00:00:00+00', '-1 days +02:00:00'),
  (3, 'infinity', '-infinity', 'infinity', '0'),
  (4, '2024-02-29', '2024-02-29 00:00:00', '2024-02-29 12:00:00-08', '-3 mons -1 sec'),
  (5, '2000-01-01', '2000-01-01 00:00:00.000001', '1970-01-01 00:00:00+00', '1 min 1.000001 secs');
SET TimeZone = 'PST8PDT';
SET DateStyle = 'Postgres, MDY';
SHOW DateStyle;
SELECT d, ts, tz FROM rt_ts ORDER BY id;
SELECT d::text, ts::text, tz::text FROM rt_ts ORDER BY id;
SET DateStyle = 'Postgres, DMY';
SELECT d, ts, tz FROM rt_ts ORDER BY id;
SET DateStyle = 'SQL, MDY';
SELECT d, ts, tz FROM rt_ts ORDER BY id;
SET DateStyle = 'SQL, DMY';
SELECT d, ts, tz FROM rt_ts ORDER BY id;
SET DateStyle = 'German';
SHOW DateStyle;
SELECT d, ts, tz FROM rt_ts ORDER BY id;
SET DateStyle = 'ISO, YMD';
SHOW DateStyle;
SELECT d, ts, tz FROM rt_ts ORDER BY id;
SET DateStyle = 'ISO, German';
SET DateStyle = 'Postgres, MDY, DMY';
SET DateStyle = 'bogus';
SET TimeZone = 'Asia/Kolkata';
SET DateStyle = 'Postgres, MDY';
SELECT tz FROM rt_ts ORDER BY id;
SET TimeZone = 'UTC';
SELECT tz FROM rt_ts ORDER BY id;
RESET DateStyle;
SET IntervalStyle = 'postgres_verbose';
SHOW IntervalStyle;
SELECT iv FROM rt_ts ORDER BY id;
SELECT interval '-1 year -2 mons', interval '1 day -1 hour', interval '-0.5 sec', interval '1 sec',
       interval '-1 day +1 sec', interval '3 hours 4 mins ago';
RESET IntervalStyle;
-- float8 functions
SELECT asinh(float8 '1'), acosh(float8 '2'), atanh(float8 '0.5');
SELECT asinh(float8 'infinity'), acosh(float8 'infinity'), atanh(float8 '1'), atanh(float8 'nan');
SELECT acosh(float8 '0.5');
SELECT atanh(float8 '2');
SELECT x, sind(x), cosd(x), tand(x), cotd(x)
  FROM (VALUES (0), (30), (45), (60), (90), (135), (180), (225), (270), (315), (360), (-30), (400.5)) AS t(x);
SELECT x, asind(x), acosd(x), atand(x), atan2d(x, 1)
  FROM (VALUES (-1), (-0.5), (0), (0.5), (1)) AS t(x);
SELECT sind(float8 'infinity');
SELECT asind(2);
SELECT float8send(float8 '2.2250738585072014E-308'), float4send(float4 '1.5'), float8send(float8 '-0');
SELECT 'nan'::float8 / '0'::float8, 'nan'::numeric / 0;
SELECT power(float8 '-1', float8 'NaN'), power(float8 'NaN', float8 '0'), power(float8 '1', float8 'NaN'),
       power(float8 'inf', float8 '-2'), power(float8 '-inf', float8 '-3'), power(float8 '-inf', float8 '3'),
       power(float8 '0.5', float8 '-inf'), power(float8 '-1', float8 'inf');
SELECT power(float8 '-8', float8 '0.5');
SELECT 0 ^ 0 + 0 ^ 1 + 0 ^ 0.0 + 0 ^ 0.5, 0::numeric ^ 0, 0::numeric ^ 2, 0::numeric ^ 0.5;
-- function-style casts and boolean comparison functions
SELECT float8(12::int8), int4(3.7), text(42), int8('  17 '), booleq(true, false), boolne(true, false);
-- to_char for numbers
CREATE TABLE rt_num (id int PRIMARY KEY, i8 int8, n numeric, f float8);
INSERT INTO rt_num VALUES
  (1, 0, 0, 0), (2, 123, 123.456, 123.456), (3, -4567890123456789, -4567.891, -4567.891),
  (4, 7, 0.5, 0.05), (5, 11, 99.995, 1e20), (6, -12, -0.001, -1.5);
SELECT id, to_char(i8, '9999999'), to_char(i8, 'FM9999999'), to_char(i8, '0000'), to_char(i8, 'S9999'),
       to_char(i8, '9999MI'), to_char(i8, '9999PR'), to_char(i8, 'FM9999PR'), to_char(i8, 'SG9999'),
       to_char(i8, 'PL9999'), to_char(i8, 'FM999th'), to_char(i8, '999TH')
  FROM rt_num ORDER BY id;
SELECT id, to_char(i8, 'RN'), to_char(i8, 'FMrn'), to_char(n, 'RN'), to_char(f, 'FMRN') FROM rt_num WHERE id <> 3 ORDER BY id;
SELECT to_char(i8, 'RN') FROM rt_num WHERE id = 3;
SELECT id, to_char(n, '9999.99'), to_char(n, 'FM9999.99'), to_char(n, 'FM9999.00'), to_char(n, '0000.000'),
       to_char(n, '9G999D9'), to_char(n, '9.99EEEE'), to_char(n, 'L999.9'), to_char(n, '99V99'), to_char(n, 'FM9.9'),
       to_char(n, '"n="9999.9" ok"'), to_char(n, '999,999.9S')
  FROM rt_num ORDER BY id;
SELECT id, to_char(f, '9999.99'), to_char(f, 'FM999999999999999999999.999'), to_char(f, '9.999EEEE'),
       to_char(f, 'FM0.00'), to_char(f::float4, '99999.999'), to_char(f, '99V9')
  FROM rt_num ORDER BY id;
SELECT to_char(1234, '9.99EEEE'), to_char(-0.1::numeric, 'FM9.99'), to_char(0.1, '9.9'), to_char(485, 'FMRN'),
       to_char(5000, 'RN'), to_char(12, ''), to_char(1e10::int8, '99V99');
SELECT to_char(1, '9.9.9');
SELECT to_char(1, 'S9S');
SELECT to_char(1, '9PR9');
SELECT to_char(1, '9EEEE9');
SELECT to_char(1, 'FM9EEEE');
SELECT to_char(1, '9V9.9');
-- format() with a positional width
SELECT format('>>%*1$s<<', 10, 'Hello'), format('>>%-*2$s|%s<<', 'a', 4, 'b'), format('%*s|%s', 3, 'x', 'y');
-- "char" converts implicitly to text (pg_cast), so it compares with the
-- string types (Metabase's foreign-key query compares confdeltype).
select 'a'::"char" = 'a'::character, 'a'::"char" = 'a'::text, 'a'::"char" = 'a'::varchar, 'b'::"char" < 'c'::text;
select c.confdeltype = 'a'::character from (values ('a'::"char")) c(confdeltype);
