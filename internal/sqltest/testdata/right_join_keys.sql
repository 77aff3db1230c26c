-- SQL's RIGHT JOIN with equality keys is planned as the mirrored LEFT
-- JOIN, so it gets a hash join (a Hash Right Join when the preserved side
-- is the smaller, planner/hashright.go) rather than a nested loop over
-- every pair.
create table rc (c_custkey int primary key, c_nationkey int, c_seg text not null);
create table ro (o_orderkey int primary key, o_custkey int, o_comment text not null);
insert into rc select i, case when i % 50 = 0 then null else i % 25 end, case when i % 5 = 0 then 'BUILDING' else 'OTHER' end from generate_series(1, 1500) i;
insert into rc values (1501, null, 'NOKEY');
insert into ro select i, case when i % 97 = 0 then null else (i * 7) % 1000 + 1 end, case when i % 90 = 0 then 'special requests' else 'plain' end from generate_series(1, 15000) i;
analyze rc;
analyze ro;
explain (costs off) select c_custkey, count(o_orderkey) from ro right join rc on c_custkey = o_custkey and o_comment not like '%special%requests%' group by c_custkey;
select c_count, count(*) as custdist from (select c_custkey, count(o_orderkey) from ro right join rc on c_custkey = o_custkey and o_comment not like '%special%requests%' group by c_custkey) as c_orders (c_custkey, c_count) group by c_count order by custdist desc, c_count desc;
-- the column order stays the RIGHT JOIN's; unmatched rows, NULL keys,
-- join filters on either side
select * from ro right join rc on c_custkey = o_custkey where c_custkey > 1495 order by c_custkey, o_orderkey;
select count(*), count(o_orderkey), count(c_custkey), sum(c_custkey) from ro right join rc on c_custkey = o_custkey;
select o.o_orderkey, c.c_custkey from ro o right join rc c on c.c_nationkey = o.o_custkey and o.o_orderkey < 40 where c.c_custkey < 60 order by 2, 1;
select o_orderkey, c_custkey from ro right join rc on c_custkey = o_custkey and c_seg = 'BUILDING' where c_custkey between 990 and 1010 order by 2, 1;
-- the preserved side larger: a Hash Left Join of the mirrored inputs
explain (costs off) select count(*), count(c_seg) from rc right join ro on c_custkey = o_custkey;
select count(*), count(c_custkey), count(o_custkey) from rc right join ro on c_custkey = o_custkey;
-- nested: a RIGHT JOIN under a LEFT JOIN and over an inner join
select count(*), count(a.c_custkey), count(o.o_orderkey) from rc a left join (ro o right join rc c on c.c_custkey = o.o_custkey) on a.c_custkey = c.c_custkey + 1;
select count(*) from (ro o join rc c on o.o_custkey = c.c_custkey) right join rc d on d.c_custkey = o.o_orderkey;
-- without an equality it stays a nested loop
select count(*) from (select * from ro where o_orderkey < 30) o right join (select * from rc where c_custkey < 20) c on o.o_custkey < c.c_custkey;
