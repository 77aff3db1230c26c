-- EXPLAIN ANALYZE's details where PostgreSQL's text is deterministic
-- (COSTS OFF, TIMING OFF, SUMMARY OFF): SUMMARY OFF drops the Planning and
-- Execution Time lines, TIMING OFF prints (actual rows=n loops=l), a
-- scan's Rows Removed by Filter, a nested loop's Materialize (a loop per
-- outer row, the rows per loop rounded) and Rows Removed by Join Filter.
-- (Memory Usage lines are left out: PostgreSQL's allocator sizes differ.)
create table ed_a (id int, k int, t text);
create table ed_b (id int, k int);
insert into ed_a select g, g % 7, 'a' || g from generate_series(1, 200) g;
insert into ed_b select g, g % 5 from generate_series(1, 6) g;
analyze ed_a;
analyze ed_b;
explain (analyze, costs off, timing off, summary off) select 1;
explain (analyze, costs off, timing off, summary off) select * from ed_a where k = 3;
explain (analyze, costs off, timing off, summary off) select count(*) from ed_a where k < 2;
explain (analyze, costs off, timing off, summary off) select count(*) from ed_a a, ed_b b where a.k < b.k;
explain (analyze, costs off, timing off, summary off) select count(*) from ed_b b, ed_a a where a.k + b.k = 3;
explain (analyze, costs off, timing off, summary off) select * from ed_b where false;
explain (analyze false, costs off, summary off) select * from ed_b;
