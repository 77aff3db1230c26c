-- Merge joins (planner/mergejoin.go, executor/eval/mergejoin.go).
-- SET enable_hashjoin = off forces them, as in PostgreSQL: results with
-- duplicate keys on both sides, NULL keys, every join kind, several key
-- columns and key types; EXPLAIN (COSTS OFF) shapes with Sort and
-- Index Scan inputs.
create table l (id int primary key, k int, t text, d date);
create table r (id bigint primary key, k int, t text, d date);
insert into l values (1, 1, 'a', '2020-01-01'), (2, 1, 'b', '2020-01-02'), (3, 2, 'b', null),
  (4, null, null, '2020-01-01'), (5, 3, 'c', '2020-01-03'), (6, 3, 'c', '2020-01-03'), (7, 5, 'e', null);
insert into r values (1, 1, 'b', '2020-01-02'), (2, 1, 'a', '2020-01-01'), (3, 3, 'c', null),
  (4, 3, 'c', '2020-01-03'), (5, null, null, null), (6, 4, 'd', '2020-01-04'), (8, 0, 'a', '2020-01-01');
set enable_hashjoin = off;
-- inner, duplicates on both sides
select l.id, r.id from l join r on l.k = r.k order by 1, 2;
select count(*) from l join r on l.k = r.k;
-- outer joins: NULL keys never match
select l.id, r.id from l left join r on l.k = r.k order by 1, 2;
select l.id, r.id from l full join r on l.k = r.k order by 1 nulls first, 2 nulls first;
select l.id, r.id from r right join l on l.k = r.k order by 1, 2;
-- extra conditions beside the keys
select l.id, r.id from l join r on l.k = r.k and l.id < r.id order by 1, 2;
select l.id, r.id from l left join r on l.k = r.k and l.t = r.t order by 1, 2;
select l.id, r.id from l full join r on l.k = r.k and l.t <> r.t order by 1 nulls first, 2 nulls first;
-- semi and anti joins
select id from l where exists (select 1 from r where r.k = l.k) order by 1;
select id from l where not exists (select 1 from r where r.k = l.k) order by 1;
select id from l where exists (select 1 from r where r.k = l.k and r.t <> l.t) order by 1;
select id from l where l.k in (select k from r) order by 1;
-- several keys and other key types
select l.id, r.id from l join r on l.k = r.k and l.t = r.t order by 1, 2;
select l.id, r.id from l join r on l.t = r.t order by 1, 2;
select l.id, r.id from l join r on l.d = r.d order by 1, 2;
select l.id, r.id from l full join r on l.d = r.d order by 1 nulls first, 2 nulls first;
-- primary keys on both sides (int4 = int8)
select l.id, r.t from l join r on l.id = r.id order by 1;
select l.id, r.id from l full join r on l.id = r.id order by 1 nulls first, 2 nulls first;
-- three tables
select l.id, r.id, r2.id from l join r on l.k = r.k join r r2 on r2.id = r.id order by 1, 2, 3;
-- ORDER BY the key, LIMIT
select l.k, r.id from l join r on l.k = r.k order by l.k, r.id limit 3;
-- empty sides
select l.id from l join r on l.k = r.k where r.id > 100;
select l.id, r.id from l full join (select * from r where false) r on l.k = r.k order by 1;
-- UPDATE ... FROM and DELETE ... USING through a merge join
begin;
update l set t = r.t || '!' from r where l.k = r.k and r.id > 2;
select id, t from l order by id;
delete from r using l where l.id = r.id and l.t like '%!';
select id from r order by id;
rollback;
-- plans
explain (costs off) select * from l join r on l.id = r.id;
explain (costs off) select * from l full join r on l.id = r.id;
reset enable_hashjoin;
-- with hash joins allowed again
select l.id, r.id from l join r on l.k = r.k order by 1, 2;
-- FULL JOIN on keys a merge join takes and a hash join does not: char(n)
-- ignores trailing blanks, '1 day' = '24 hours'
create table cb1 (c char(4), i interval, n int);
create table cb2 (c char(6), i interval, n int);
insert into cb1 values ('ab', '1 day', 1), ('cd', '2 hours', 2), (null, null, 3), ('ab  ', '36 hours', 4);
insert into cb2 values ('ab', '24 hours', 10), ('ef', '1 day 12 hours', 20), ('cd    ', null, 30), (null, '2 hours', 40);
select cb1.n, cb2.n from cb1 full join cb2 on cb1.c = cb2.c order by 1 nulls first, 2 nulls first;
select cb1.n, cb2.n from cb1 full join cb2 on cb1.i = cb2.i order by 1 nulls first, 2 nulls first;
select cb1.n, cb2.n from cb1 full join cb2 on cb1.i = cb2.i and cb1.n < 3 order by 1 nulls first, 2 nulls first;
select n, c from cb1 full join cb2 using (c, n) order by 1, 2;
select cb1.n, cb2.n from cb1 full join cb2 on cb1.c = cb2.c and cb1.i = cb2.i order by 1 nulls first, 2 nulls first;
set enable_mergejoin = off;
select cb1.n, cb2.n from cb1 full join cb2 on cb1.c = cb2.c order by 1 nulls first, 2 nulls first;
reset enable_mergejoin;
-- still not possible: no equality between the sides
select cb1.n, cb2.n from cb1 full join cb2 on cb1.n < cb2.n;
