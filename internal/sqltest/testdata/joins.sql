-- Joins through the join rule (planner/joins.go): reordered inner joins,
-- hash joins on equalities of every hashable type, NULL keys, LEFT JOIN
-- with hash keys and ON filters, OR factoring, mixed-width integer keys.
create table a (id int primary key, b_id int, name text, grp int);
create table b (id bigint primary key, c_code varchar(10), v numeric);
create table c (code text, label char(4), f float8);
create table d (k int, n numeric);
insert into a values (1, 10, 'one', 1), (2, 20, 'two', 1), (3, null, 'three', 2), (4, 40, 'four', 2), (5, 10, 'five', null);
insert into b values (10, 'x', 1.0), (20, 'y', 2.50), (30, 'x', null), (40, null, 4);
insert into c values ('x', 'ab', 0.5), ('y', 'ab  ', -0.0), ('z', null, 0), (null, 'q', 1), ('x', 'cd', 2);
insert into d values (1, 1.00), (2, 2), (null, 1), (4, 4.000), (1, 3);
-- three-way inner join, written in an order the rule changes
select a.name, b.v, c.label from c, b, a where a.b_id = b.id and b.c_code = c.code order by 1, 2, 3;
select * from a join b on a.b_id = b.id join c on c.code = b.c_code order by a.id, c.label;
-- int4 = int8 and numeric = int keys
select a.id, d.n from a join d on a.id = d.k order by 1, 2;
select a.id, d.k from a, d where d.n = a.id order by 1, 2;
-- float keys: -0 = 0
select c1.code, c2.code from c c1 join c c2 on c1.f = c2.f order by 1, 2;
-- char(n) keys ignore trailing blanks (not hashed, still joined)
select c1.code, c2.code from c c1 join c c2 on c1.label = c2.label order by 1, 2;
-- NULL keys never match
select count(*) from a join b on a.b_id = b.id;
select a.id, b.id from a left join b on a.b_id = b.id order by 1;
select a.id, b.id, b.c_code from a left join b on a.b_id = b.id and b.c_code = 'x' order by 1;
select a.id, b.id from a left join b on a.b_id = b.id and a.grp = 1 order by 1;
select a.id, b.id from a left join b on a.b_id = b.id where b.id is null order by 1;
select a.id, b.id from b right join a on a.b_id = b.id order by 1;
-- a join condition repeated in every arm of an OR
select a.id, b.id from a, b where (a.b_id = b.id and a.grp = 1) or (a.b_id = b.id and b.v > 3) order by 1, 2;
select a.id, b.id from a, b where (a.b_id = b.id and a.grp = 1) or (a.id = 3 and b.id = 30) order by 1, 2;
-- cross joins and constant conditions
select count(*) from a, b, c;
select count(*) from a, b where 1 = 0;
select a.id, b.id from a, b where a.id = 1 and b.id > 20 order by 2;
-- derived tables and a correlated subquery over joined rows
select x.name, y.v from (select * from a where grp = 1) x join (select id, v from b) y on x.b_id = y.id order by 1;
select a.id, (select count(*) from d where d.k = a.id) from a join b on a.b_id = b.id order by 1;
select a.id from a, b where a.b_id = b.id and exists (select 1 from d where d.k = a.id) order by 1;
select a.id from a join b on a.b_id = b.id where b.v = (select max(v) from b b2 where b2.c_code = b.c_code) order by 1;
-- self join on a key and a join inside a subquery
select a1.id, a2.id from a a1 join a a2 on a1.b_id = a2.b_id and a1.id < a2.id order by 1, 2;
select name from a where b_id in (select b.id from b join c on b.c_code = c.code where c.f > 0) order by 1;
-- an error inside a join condition still surfaces
select a.id from a join b on a.b_id = b.id where b.v / (b.id - 10) > 0 order by 1;
-- FULL JOIN (sql/parser marks it; always a hash join)
select a.id, b.id from a full join b on a.b_id = b.id order by 1, 2;
select a.id, b.id from a full outer join b on a.b_id = b.id and b.v > 2 order by 1, 2;
select a.id, b.id from a full join b on a.b_id = b.id and a.grp = 1 or a.id = b.id order by 1, 2;
select count(*), count(a.id), count(b.id) from a full join b on a.b_id = b.id where a.id is null or b.id is null;
select x.id, d.k from (select a.id from a full join b on a.b_id = b.id) x full join d on x.id = d.k order by 1, 2;
select * from a full join b on a.b_id < b.id;
select full.id from a full;
-- EXISTS / NOT EXISTS as semi and anti joins (planner/semijoin.go)
select a.id from a where exists (select 1 from d where d.k = a.id) order by 1;
select a.id from a where not exists (select 1 from d where d.k = a.id) order by 1;
select a.id from a where exists (select * from b where b.id = a.b_id and b.v > a.grp) order by 1;
select a.id from a where not exists (select * from b where b.id = a.b_id and b.c_code is not null) order by 1;
select a.id, b.id from a join b on a.b_id = b.id where exists (select 1 from c where c.code = b.c_code and c.f > 0) order by 1;
select count(*) from a a1 where exists (select 1 from a a2 where a2.b_id = a1.b_id and a2.id <> a1.id);
select a.id from a where exists (select 1 from d where d.k = a.id limit 1) and not exists (select 1 from b where b.id = a.id) order by 1;
select a.id from a where exists (select 1 from d where d.n = a.grp + 0.0) order by 1;
explain (costs off) select a.id from a where not exists (select 1 from d where d.k = a.id);
-- an OR over two relations restricts each (TPC-H Q7's nation pair)
select a1.id, a2.id from a a1, a a2 where (a1.name = 'one' and a2.name = 'two') or (a1.name = 'two' and a2.grp = 2) order by 1, 2;
select a1.id, b.id from a a1 join b on a1.b_id = b.id where (a1.grp = 1 and b.v > 1) or (a1.grp is null and b.c_code = 'x') or (b.id = 40) order by 1, 2;
