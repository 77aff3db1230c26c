-- Expressions, types and NULL display, compared with PostgreSQL.
select 1;
select 1 as one, 'two' as two, 3.5 as three;
select null as n, 'x' as x, null::int as typed_null;
\pset null '(null)'
select null as n, 'x' as x;
\pset null ''
select 1 + 2 * 3, 7 / 2, 7 % 3, 2 ^ 10, -5 / 2, 7.0 / 2;
select 'a' || 'b' as cat, length('héllo') as len, upper('abc'), lower('ABC');
select true, false, not true, null::bool;
select 1::int2, 2::int4, 3::int8, 1.5::float4, 2.5::float8, 1.25::numeric(10,3);
select 'NaN'::float8, '-Infinity'::float8, 0.1::float8 + 0.2::float8;
select '2024-02-29'::date, '12:34:56'::time, '2024-01-01 10:00:00'::timestamp;
select '2024-01-01 10:00:00+02'::timestamptz;
select interval '1 day 02:03:04', interval '-1 year 2 mons';
select array[1,2,3] as ints, array['a','b c'] as texts, '{}'::int[] as empty;
select '\x0102ff'::bytea, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid;
select '{"a": [1, 2]}'::json, '{"b": null, "a": 1}'::jsonb;
select coalesce(null, 2), nullif(1, 1), greatest(1, 5, 3), least(4, 2);
select case when 1 > 2 then 'yes' else 'no' end as answer;
select 'multi
line' as text_with_newline, E'tab\there' as tab;
select 1 as a, 2 as a;
select current_setting('server_version_num'), current_setting('DateStyle');
select pg_sleep(0);
select 1 where false;
-- several statements on one line
select 1 as first; select 2 as second; select 3 as third;
-- expanded display
\x on
select 1 as a, 'b' as b;
\x off
-- unaligned and tuples-only output
\pset format unaligned
select 1 as a, 'b' as b;
\pset format aligned
\t on
select 'tuples only';
\t off
