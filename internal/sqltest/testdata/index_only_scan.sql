-- Index-only scans (planner/indexonly.go, executor/indexonly.go) and
-- `col = ANY (array)` key lookups (planner/indexonly_any.go): results
-- and EXPLAIN (COSTS OFF) shapes. PostgreSQL prints Index Only Scan only
-- for all-visible pages, so the tables are vacuumed after the load; nqdb
-- needs no visibility map (index entries are versioned like rows).
-- enable_seqscan = off makes both choose index paths on these small
-- tables.
create table t (id int primary key, k int, s text, d date, n numeric, b bool);
insert into t select g, g % 50, 's' || (g % 37), date '2024-01-01' + (g % 100), g / 7.0, g % 3 = 0
  from generate_series(1, 2000) g;
insert into t values (2001, null, null, null, null, null), (2002, null, 'x', null, 1.50, null);
create index t_k on t (k);
create index t_s_d on t (s, d);
create index t_d_desc on t (d desc);
create unique index t_n on t (n);
create table u (a int, b text, c date, v varchar(10));
insert into u select g, 'v' || (g % 13), date '2020-02-01' + g, 'w' || (g % 7) from generate_series(1, 500) g;
insert into u values (null, null, null, null), (501, null, '2020-01-01', 'w1');
create index u_v on u (v);
create unique index u_a on u (a);
create index u_b_c on u (b, c);
vacuum analyze t;
vacuum analyze u;
create table w (k int, pad text);
insert into w select g % 100, repeat('p', 50) from generate_series(1, 3000) g;
create index w_k on w (k);
vacuum analyze w;
set enable_seqscan = off;
set enable_bitmapscan = off;
-- key columns only
select k from t where k between 3 and 5 order by k, id;
select count(*) from t where k between 3 and 5;
select k, id from t where k = 7 order by id;
select id, k from t where k is null order by id;
select s, d from t where s = 's5' and d >= '2024-02-01' order by d;
select count(*) from t;
select count(*), min(k), max(k) from t;
select s, count(*) from t where s like 's1%' group by s order by s;
select d from t where d < '2024-01-05' order by d desc, id limit 5;
select a from u where a > 495 order by a;
select a from u where a is null;
select b, c from u where b = 'v3' and c between '2020-03-01' and '2020-06-01' order by c;
select b, count(*) from u group by b order by b nulls first;
select count(*) from u;
select count(*) from w;
select count(*), sum(k) from w where k < 10;
select v, count(*) from u where v between 'w2' and 'w4' group by v order by v;
select v from u where v = any('{w1,w6}') and a < 30 order by a;
-- numeric keys are read from the table (1.0 and 1.00 share a key)
select n from t where n between 1 and 2 order by n;
-- = ANY (array)
select id, k from t where k = any('{1, 2, NULL}') and id < 200 order by id;
select k, count(*) from t where k = any(array[4, 8, 15, 16, 23, 42]) group by k order by k;
select id from t where id = any('{5, 1, 5, 3000}'::int[]) order by id;
select id from t where k = any('{}'::int[]);
select id from t where k = any(null::int[]);
select a, b from u where b = any('{v1,v2}'::text[]) and a < 60 order by a;
prepare anyk(int[]) as select id from t where k = any($1) and id < 120 order by id;
execute anyk('{1,2}');
execute anyk('{}');
execute anyk(null);
execute anyk('{49,NULL,0}');
deallocate anyk;
-- writes inside a transaction are seen by the index-only scan
begin;
update t set k = 1000 where id in (1, 2, 3);
delete from t where k = 4;
insert into t values (3000, 4, 'new', '2024-09-09', 9999, true);
select k, count(*) from t where k in (4, 1000) group by k order by k;
select count(*) from t;
select s, d from t where s = 'new';
rollback;
-- (the rolled back writes left dead tuples: PostgreSQL needs a VACUUM again)
vacuum t;
select k, count(*) from t where k in (4, 1000) group by k order by k;
select count(*) from t;
-- plans
explain (costs off) select k from t where k between 3 and 5;
explain (costs off) select count(*) from t where k between 3 and 5;
explain (costs off) select k from t where k = 7 order by k desc;
explain (costs off) select s, d from t where s = 's5' and d >= '2024-02-01';
explain (costs off) select k, s from t where k = 7;
explain (costs off) select a from u where a > 495;
explain (costs off) select b, c from u where b = 'v3';
explain (costs off) select id, s from t where k = any('{1,2}');
explain (costs off) select count(*) from w;
explain (costs off) select count(*) from w where k < 10;
explain (costs off) select k from t where k > 40 order by k;
explain (costs off) select s, d from t where s > 's8' order by s, d;
explain (costs off) select a from u where a < 10 order by a desc;
explain (costs off) select c from u where b = 'v3' order by c;
explain (analyze, costs off, timing off, summary off) select k from t where k between 3 and 5;
explain (analyze, costs off, timing off, summary off) select count(*) from t where k = any('{1,2,3}');
set enable_indexonlyscan = off;
explain (costs off) select k from t where k between 3 and 5;
select k from t where k between 3 and 5 order by k, id limit 3;
reset enable_indexonlyscan;
