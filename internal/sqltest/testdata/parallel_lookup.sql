-- Parallel query, session 10: index nested loops run in the workers
-- (each looks up the keys of its own share of the outer rows,
-- executor/eval/parallel_lookup.go), lookups into the divided table
-- itself, and materialized CTEs with a Gather of their own. The
-- answers must be those of the serial plans (and PostgreSQL's), under
-- READ COMMITTED and SERIALIZABLE.
create table pt (id int primary key, g int, n numeric, s text);
insert into pt select i, i % 7, i * 1.5, 'v' || (i % 101) from generate_series(1, 40000) i;
create table pl (k int primary key, g int, v text);
insert into pl select i, i % 11, 'w' || (i % 13) from generate_series(1, 40000, 2) i;
create index pl_g on pl (g);
analyze pt;
analyze pl;
set parallel_setup_cost = 0;
set parallel_tuple_cost = 0;
set min_parallel_table_scan_size = 0;
set max_parallel_workers_per_gather = 2;
select pt.g, count(*), sum(pl.k) from pt join pl on pl.k = pt.id where pt.id % 301 = 1 group by pt.g order by pt.g;
select pt.id, pl.v from pt join pl on pl.k = pt.id where pt.id % 997 = 1 order by pt.id;
select count(*) from pt where pt.s = 'v7' and exists (select 1 from pl where pl.k = pt.id and pl.v <> 'w3');
select count(*) from pt where pt.s = 'v7' and not exists (select 1 from pl where pl.k = pt.id and pl.g = 4);
select count(*), count(pl.k), sum(length(pl.v)) from (select * from pt where s = 'v7') pt left join pl on pl.k = pt.id and pl.v <> 'w3';
select count(*), sum(b.id), max(b.s) from pt a join pt b on b.id = a.id where a.s = 'v7' and b.g < 5;
select pt.s, count(*) from pt join pl on pl.k = pt.id where pt.s in ('v7', 'v8') group by pt.s order by pt.s;
with c as (select g, count(*) n, sum(n) s from pt where id % 2 = 0 group by g)
select a.g, a.n, b.s from c a join c b on a.g = b.g order by a.g;
with c as materialized (select s, sum(id) t from pt group by s)
select count(*), max(t) from c where t > (select avg(t) from c);
-- an error on a looked-up row in a worker is the statement's error
set parallel_leader_participation = off;
select sum(10 / (pl.k - 209)) from pt join pl on pl.k = pt.id where pt.s = 'v7';
reset parallel_leader_participation;
-- serializable: the workers' reads go through the leader's lock
begin isolation level serializable;
select count(*), sum(b.id), max(b.s) from pt a join pt b on b.id = a.id where a.s = 'v7' and b.g < 5;
select count(*) from pt where pt.s = 'v7' and not exists (select 1 from pl where pl.k = pt.id and pl.g = 4);
commit;
drop table pt;
drop table pl;
