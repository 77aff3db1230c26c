-- Narrow rows (planner/narrow.go): only the columns a query reads travel
-- between operators, so joins, hash tables and sorts hold fewer slots and
-- every column reference above is remapped. The answers must not change:
-- wide tables joined, outer joins whose NULL-extended side was narrowed,
-- self joins, USING/NATURAL, window functions, DISTINCT ON, grouping by a
-- key, correlated subqueries, CTEs, set operations and writes.
create table nw_a (id int primary key, k int, c1 text, c2 numeric(10,2), c3 date, c4 int, c5 text, c6 float8, c7 bool, c8 text);
create table nw_b (id int primary key, a_id int, k int, d1 text, d2 int, d3 numeric, d4 text, d5 timestamp);
create table nw_c (k int primary key, name text, pad1 text, pad2 text, pad3 int);
create index nw_b_a on nw_b (a_id);
insert into nw_a select g, g % 7, 'c1-' || g, g * 1.25, date '2020-01-01' + g, g % 13, repeat('x', g % 5), g / 3.0, g % 2 = 0, 'c8-' || g
  from generate_series(1, 300) g;
insert into nw_b select g, case when g % 9 = 0 then null else g % 320 end, g % 5, 'd1-' || g, g % 17, g * 0.5, 'd4-' || g,
  timestamp '2021-01-01' + g * interval '1 hour' from generate_series(1, 700) g;
insert into nw_c select g, 'name' || g, 'p' || g, 'q' || g, g * 10 from generate_series(0, 6) g;
analyze nw_a; analyze nw_b; analyze nw_c;
-- Inner joins of wide tables reading a few columns, hashed and sorted.
select a.c1, b.d2, c.name from nw_a a join nw_b b on b.a_id = a.id join nw_c c on c.k = a.k where b.d2 < 3 order by a.c1, b.d2, c.name limit 20;
select c.name, count(*), sum(b.d3), min(a.c3), max(b.d5) from nw_a a, nw_b b, nw_c c where b.a_id = a.id and c.k = b.k group by c.name order by 1;
select a.id, b.id from nw_a a join nw_b b on a.k = b.k and a.c4 < b.d2 where a.id < 20 order by 1, 2 limit 30;
-- Outer joins: the NULL-extended side narrowed.
select a.id, b.d1 from nw_a a left join nw_b b on b.a_id = a.id where a.id > 290 order by 1, 2;
select count(*), count(b.d1), count(a.c8) from nw_a a left join nw_b b on b.a_id = a.id and b.d2 = 1;
select a.c1, b.d4 from nw_b b right join nw_a a on b.a_id = a.id and b.k = 2 where a.id between 100 and 110 order by 1, 2;
select coalesce(a.id, -1), b.id from (select * from nw_a where id < 10) a full join (select * from nw_b where id < 12) b on a.id = b.a_id order by 1, 2;
select a.id from nw_a a left join nw_b b on b.a_id = a.id where b.id is null order by 1 limit 10;
-- Self joins.
select x.id, y.id, x.c2 + y.c2 from nw_a x join nw_a y on x.k = y.k and x.id < y.id where x.id < 10 and y.id < 30 order by 1, 2;
select b1.d1, b2.d1 from nw_b b1 join nw_b b2 on b1.a_id = b2.id join nw_b b3 on b3.id = b2.a_id where b1.id % 50 = 0 order by 1, 2;
-- USING and NATURAL.
select k, count(*) from nw_a join nw_c using (k) group by k order by 1;
select id, k, c1 from nw_a natural join (select id, k from nw_b) s order by id limit 10;
select * from nw_c natural left join (select k, max(d2) as pad3 from nw_b group by k) s order by k;
-- Window functions over a join.
select a.id, b.id, row_number() over (partition by a.k order by b.id), sum(b.d2) over (partition by a.k) from nw_a a join nw_b b on b.a_id = a.id where a.id < 15 order by 2;
select c.name, rank() over (order by count(*) desc) from nw_b b join nw_c c on c.k = b.k group by c.name order by 1;
-- DISTINCT ON.
select distinct on (a.k) a.k, a.id, b.d1 from nw_a a join nw_b b on b.a_id = a.id order by a.k, a.id desc, b.d1;
select distinct a.k, c.name from nw_a a join nw_c c on c.k = a.k order by 1, 2;
-- GROUP BY a key and the columns that depend on it (nqdb does not yet
-- accept them ungrouped, as PostgreSQL does).
select a.id, a.c1, a.c8, count(b.id) from nw_a a join nw_b b on b.a_id = a.id group by a.id, a.c1, a.c8 having count(b.id) > 2 order by a.id limit 10;
select c.k, c.name, c.pad3, sum(a.c4) from nw_c c left join nw_a a on a.k = c.k group by c.k, c.name, c.pad3 order by c.k;
-- Correlated subqueries reading the joined row.
select a.id, (select count(*) from nw_b b where b.a_id = a.id and b.k = c.k) from nw_a a join nw_c c on c.k = a.k where a.id < 12 order by 1;
select a.id from nw_a a join nw_c c on c.k = a.k where exists (select 1 from nw_b b where b.a_id = a.id and b.d2 > c.pad3 / 10) and a.id < 60 order by 1;
select a.id, c.name from nw_a a join nw_c c on c.k = a.k where a.c4 > (select avg(d2) from nw_b b where b.a_id = a.id) order by 1 limit 10;
select b.id from nw_b b where b.a_id in (select a.id from nw_a a join nw_c c on c.k = a.k where c.name = 'name3') order by 1 limit 10;
select a.id, lat.d1 from nw_a a, lateral (select b.d1 from nw_b b where b.a_id = a.id order by b.id limit 1) lat where a.id < 8 order by 1;
-- CTEs (materialized and inlined) and set operations.
with j as materialized (select a.id, a.c1, b.d2 from nw_a a join nw_b b on b.a_id = a.id)
select x.c1, y.d2 from j x join j y on x.id = y.id where x.d2 = 3 order by 1, 2 limit 10;
with j as (select a.k, b.d3 from nw_a a join nw_b b on b.a_id = a.id) select k, sum(d3) from j group by k order by k;
select a.c1 from nw_a a join nw_b b on b.a_id = a.id where b.d2 = 1 union select c.name from nw_c c order by 1 limit 10;
select a.k from nw_a a join nw_b b on b.a_id = a.id except select k from nw_c where k > 3 order by 1;
select a.id, b.d1 from nw_a a join nw_b b on b.a_id = a.id where a.id < 4 union all select c.k, c.pad1 from nw_c c order by 1, 2;
-- Writes: RETURNING, UPDATE ... FROM, DELETE ... USING.
create table nw_t as select a.id, a.c4, b.d2 from nw_a a join nw_b b on b.a_id = a.id where a.id < 50;
with u as (update nw_t set c4 = c4 + s.d2 from (select a.id, b.d2 from nw_a a join nw_b b on b.a_id = a.id where b.k = 1) s
  where nw_t.id = s.id and nw_t.d2 = s.d2 returning nw_t.id, nw_t.c4) select * from u order by 1, 2;
with d as (delete from nw_t using nw_a a join nw_c c on c.k = a.k where nw_t.id = a.id and c.name = 'name2' returning nw_t.id, a.c1, c.name)
select * from d order by 1, 2, 3;
with i as (insert into nw_t select a.id + 1000, c.pad3, b.d2 from nw_a a join nw_b b on b.a_id = a.id join nw_c c on c.k = b.k where a.id < 5 returning *)
select * from i order by 1, 2, 3;
update nw_t set d2 = d2 + 1 from nw_c c where c.k = nw_t.id % 7 and c.name = 'name1' returning nw_t.id % 1;
delete from nw_t using nw_c c where c.k = nw_t.c4 % 7 and c.pad3 = 30 returning 1;
select id, c4, d2 from nw_t order by 1, 2, 3;
-- EXPLAIN names the columns as before, through the narrowed rows.
explain (costs off) select c.name, sum(a.c4) from nw_a a join nw_c c on c.k = a.k group by c.name;
explain (costs off) select a.c1 from nw_a a join nw_c c on c.k = a.k order by c.name;
drop table nw_t, nw_a, nw_b, nw_c;
