-- The IN-list rule (planner/inlistany.go): `expr IN (constants)` with expr
-- not a plain column is `expr = ANY (array)` (NOT IN: `<> ALL`), as
-- PostgreSQL binds it, so expr is evaluated once per row. Results with
-- NULLs on either side, mixed literal types, and plan shapes.
create table t (a int primary key, b int, c text, d numeric);
insert into t select i, case when i % 10 = 0 then null else i % 7 end, 'v' || i, i / 4.0 from generate_series(1, 100) i;
select count(*) from t where b + 1 in (1, 2, 3);
select count(*) from t where b + 1 not in (1, 2, 3);
select count(*) from t where b + 1 in (1, null);
select count(*) from t where b + 1 not in (1, null);
select a from t where substring(c from 2 for 1) in ('1', '2') order by a;
select a from t where substring(c from 2 for 1) not in ('1', '2', '3', '4', '5', '6', '7', '8') order by a;
select a from t where lower(c) in ('v1', 'v10', 'v100', 'x') order by a;
select count(*) from t where d * 2 in (1, 2.5, 3.0, 4);
select count(*) from t where (b + 1)::bigint in (2, 3);
select a from t where coalesce(b, -1) in (-1, 0) order by a;
select (a % 3) in (0, 1) as x, count(*) from t group by 1 order by 1;
select a, case when b * 2 in (2, 4) then 'y' else 'n' end from t where a < 6 order by a;
-- a plain column keeps the list (the key rule reads it)
select a from t where a in (3, 5, 7) order by a;
-- a volatile left side is evaluated once per row
select count(*) from t where (random() * 0)::int in (0, 1);
-- plans
explain (costs off) select a from t where b + 1 in (1, 2, 3);
explain (costs off) select a from t where b + 1 not in (1, 2, 3);
