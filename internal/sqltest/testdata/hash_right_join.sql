-- A LEFT JOIN whose preserved side is the smaller is a Hash Right Join:
-- the preserved rows are hashed, the other side probes, and the build
-- rows nothing matched come out at the end (planner/hashright.go).
create table cust (c_custkey int primary key, c_nationkey int, c_seg text not null);
create table ord (o_orderkey int primary key, o_custkey int, o_comment text not null);
insert into cust select i, case when i % 50 = 0 then null else i % 25 end, case when i % 5 = 0 then 'BUILDING' else 'OTHER' end from generate_series(1, 1500) i;
insert into cust values (1501, null, 'NOKEY');
insert into ord select i, case when i % 97 = 0 then null else (i * 7) % 1000 + 1 end, case when i % 90 = 0 then 'special requests' else 'plain' end from generate_series(1, 15000) i;
analyze cust;
analyze ord;
explain (costs off) select c_custkey, count(o_orderkey) from cust left join ord on c_custkey = o_custkey and o_comment not like '%special%requests%' group by c_custkey;
select c_count, count(*) as custdist from (select c_custkey, count(o_orderkey) from cust left join ord on c_custkey = o_custkey and o_comment not like '%special%requests%' group by c_custkey) as c_orders (c_custkey, c_count) group by c_count order by custdist desc, c_count desc;
-- unmatched build rows, NULL keys on both sides, a join filter
select count(*), count(o_orderkey), count(c_custkey), sum(c_custkey) from cust left join ord on c_custkey = o_custkey;
select c_custkey, o_orderkey from cust left join ord on c_custkey = o_custkey and o_orderkey % 3 = 0 where c_custkey > 990 order by 1, 2;
select c.c_custkey, o.o_orderkey from cust c left join ord o on c.c_nationkey = o.o_custkey and o.o_orderkey < 40 where c.c_custkey < 60 order by 1, 2;
-- the same past work_mem: the Grace partitions keep the matched flags
set work_mem = '64kB';
select c_count, count(*) as custdist from (select c_custkey, count(o_orderkey) from cust left join ord on c_custkey = o_custkey and o_comment not like '%special%requests%' group by c_custkey) as c_orders (c_custkey, c_count) group by c_count order by custdist desc, c_count desc;
select count(*), count(o_orderkey), count(c_custkey), sum(c_custkey) from cust left join ord on c_custkey = o_custkey;
select c.c_custkey, o.o_orderkey from cust c left join ord o on c.c_nationkey = o.o_custkey and o.o_orderkey < 40 where c.c_custkey < 60 order by 1, 2;
reset work_mem;
