-- Scans decode only the columns read above them (planner/prune.go): every
-- shape of query that reads some columns of a wide table must still see them.
create table w (a int primary key, b text, c numeric, d int, e text, f bool);
create table v (k int, x text, y int);
insert into w select g, 'b' || g, g * 1.25, g % 3, repeat('e', g % 4), g % 2 = 0 from generate_series(1, 12) g;
insert into v select g % 5, 'x' || g, g from generate_series(1, 8) g;
select b from w where d = 1 order by a;
select d, sum(c), count(e) filter (where f), string_agg(b, ',' order by a desc) from w group by d order by d;
select w.b, v.x from w join v on w.d = v.k where w.f order by 1, 2;
select w.a, v.y from w left join v on w.a = v.y and v.x <> 'x3' order by 1, 2;
select a, (select max(y) from v where v.k = w.d) from w order by a;
select a from w where exists (select 1 from v where v.k = w.d and v.y > w.a) order by a;
select e, rank() over (partition by d order by c desc) from w order by 1, 2;
select x from (select b as x, c from w where c > 5) s order by x;
select distinct d from w order by 1;
select b from w union select x from v order by 1;
select a from w order by e, a limit 3 offset 2;
select count(*) from w, v where w.d = v.k;
select * from w where a = 4;
select a, b from w where a in (select y from v where x like 'x%') order by a;
with t as (select a, e from w where f) select e from t order by e;
select a, generate_series(1, d) from w where a < 4 order by 1, 2;
