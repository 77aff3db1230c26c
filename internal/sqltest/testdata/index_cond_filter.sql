-- An equality an index lookup answers is not checked again by a Filter
-- (planner/keyfilter.go): the inner side of an index nested loop shows
-- only its Index Cond, as in PostgreSQL.
create table cust (c_custkey int primary key, c_nationkey int not null);
create table ord (o_orderkey int primary key, o_custkey int, o_date date not null);
create index ord_custkey_idx on ord (o_custkey);
insert into cust select i, i % 25 from generate_series(1, 1500) i;
insert into ord select i, case when i % 97 = 0 then null else (i * 7) % 1000 + 1 end, date '1995-01-01' + (i % 700) from generate_series(1, 15000) i;
analyze cust;
analyze ord;
set enable_bitmapscan = off;
set enable_hashjoin = off;
set enable_mergejoin = off;
explain (costs off) select c_custkey, o_orderkey from cust join ord on o_custkey = c_custkey where c_nationkey = 3 and c_custkey < 200 and o_date < date '1995-03-15';
select c_custkey, o_orderkey from cust join ord on o_custkey = c_custkey where c_nationkey = 3 and c_custkey < 200 and o_date < date '1995-03-15' order by 1, 2;
select c_custkey, o_orderkey from cust join ord on c_custkey = o_custkey where c_custkey < 30 order by 1, 2;
-- a key value that is NULL reads nothing
prepare p(int) as select o_orderkey from ord where o_custkey = $1;
execute p(null);
execute p(8);
reset enable_hashjoin;
reset enable_mergejoin;
select count(*) from ord where o_orderkey = 5 and o_custkey = 36;
