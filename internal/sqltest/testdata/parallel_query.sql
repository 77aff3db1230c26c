-- Parallel query (planner/parallel.go, executor/eval/parallel*.go):
-- results with and without workers, the plan shapes PostgreSQL prints
-- when the parallel costs are zeroed, errors raised inside a worker.
create table pt (id int primary key, g int, n numeric, s text, b bool, d date, iv interval);
insert into pt select i, i % 7, (i * 1.25)::numeric, 'v' || (i % 113), i % 5 <> 0,
  date '2020-01-01' + (i % 400), (i % 17) * interval '1 hour'
  from generate_series(1, 30000) i;
create table pdim (g int primary key, name text);
insert into pdim select i, 'group ' || i from generate_series(0, 6) i;
analyze pt;
analyze pdim;
set parallel_setup_cost = 0;
set parallel_tuple_cost = 0;
set min_parallel_table_scan_size = 0;
-- serial shapes
set max_parallel_workers_per_gather = 0;
explain (costs off) select count(*) from pt;
select count(*), sum(id), sum(n), avg(id), avg(n), min(s), max(s), bool_and(b), bool_or(b), sum(iv) from pt;
-- parallel shapes and the same results
set max_parallel_workers_per_gather = 2;
explain (costs off) select count(*) from pt;
explain (costs off) select sum(n) from pt where g = 3;
explain (costs off) select id from pt where id % 1000 = 7;
select count(*), sum(id), sum(n), avg(id), avg(n), min(s), max(s), bool_and(b), bool_or(b), sum(iv) from pt;
select count(*), sum(n) from pt where g = 3;
select count(*) from pt where id < 0;
select sum(id) from pt where id < 0;
select g, count(*), sum(n), avg(n), min(d), max(d), min(s) from pt group by g order by g;
select s, count(*) from pt group by s order by count(*) desc, s limit 5;
select count(*) filter (where b), sum(id) filter (where g = 1) from pt;
select id from pt where id % 1000 = 7 order by id;
select p.g, d.name, count(*), sum(p.n) from pt p join pdim d on d.g = p.g group by p.g, d.name order by p.g;
select count(*) from pt p where exists (select 1 from pdim d where d.g = p.g and d.name like '%3');
-- aggregates that stay serial (DISTINCT, float sums) give the same answers
select count(distinct g), sum(id::float8) from pt;
-- an error in a worker is the statement's error (without the leader
-- running the plan too, PostgreSQL's errors all come from a worker)
set parallel_leader_participation = off;
select sum(10 / (id - 15000)) from pt;
select count(*) from pt where 1 / (id - 29999) > 0;
select g, sum(100 / (id % 30000 - 12345)) from pt group by g order by g;
-- after an error the session works on
select count(*) from pt where g = 0;
reset parallel_leader_participation;
reset max_parallel_workers_per_gather;
show max_parallel_workers_per_gather;
show min_parallel_table_scan_size;
set min_parallel_table_scan_size = '100kB';
show min_parallel_table_scan_size;
set max_parallel_workers_per_gather = -1;
drop table pt;
drop table pdim;
