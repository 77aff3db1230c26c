-- A correlated subquery no rule decorrelates runs per outer row; its
-- joins may then read by key (index nested loops), as PostgreSQL's
-- SubPlans do, rather than hash a whole table on every run
-- (planner/perrow.go), and its filter does not re-check the
-- correlation its key lookup enforces (TPC-H Q2's shape).
create table sp_region (r_regionkey int primary key, r_name text not null);
create table sp_nation (n_nationkey int primary key, n_name text not null, n_regionkey int not null);
create table sp_supplier (s_suppkey int primary key, s_name text not null, s_nationkey int not null);
create table sp_part (p_partkey int primary key, p_size int not null);
create table sp_partsupp (ps_partkey int, ps_suppkey int, ps_supplycost numeric(15,2) not null, primary key (ps_partkey, ps_suppkey));
insert into sp_region select i, 'R' || i from generate_series(0, 4) i;
insert into sp_nation select i, 'N' || i, i % 5 from generate_series(0, 24) i;
insert into sp_supplier select i, 'S' || i, i % 25 from generate_series(1, 2000) i;
insert into sp_part select i, i % 50 from generate_series(1, 4000) i;
insert into sp_partsupp select p, (p + k * 501) % 2000 + 1, ((p * 7 + k * 13) % 1000) / 10.0 from generate_series(1, 4000) p, generate_series(0, 3) k;
analyze sp_region;
analyze sp_nation;
analyze sp_supplier;
analyze sp_part;
analyze sp_partsupp;
set enable_bitmapscan = off;

-- the scalar subquery's join reads supplier by its key
explain (costs off) select p_partkey, (select min(ps_supplycost) from sp_partsupp, sp_supplier where ps_partkey = p_partkey and s_suppkey = ps_suppkey and s_nationkey = 3) from sp_part where p_size = 7;
select p_partkey, (select min(ps_supplycost) from sp_partsupp, sp_supplier where ps_partkey = p_partkey and s_suppkey = ps_suppkey and s_nationkey = 3) from sp_part where p_size = 7 order by 1 limit 20;
-- Q2's shape
select s_name, n_name, p_partkey, ps_supplycost
from sp_part, sp_supplier, sp_partsupp, sp_nation, sp_region
where p_partkey = ps_partkey and s_suppkey = ps_suppkey and p_size = 15 and s_nationkey = n_nationkey
  and n_regionkey = r_regionkey and r_name = 'R2'
  and ps_supplycost = (select min(ps_supplycost) from sp_partsupp, sp_supplier, sp_nation, sp_region
    where p_partkey = ps_partkey and s_suppkey = ps_suppkey and s_nationkey = n_nationkey
      and n_regionkey = r_regionkey and r_name = 'R2')
order by ps_supplycost, n_name, s_name, p_partkey limit 30;
-- EXISTS and IN over a join, per row (the select list keeps them SubPlans)
select p_partkey, exists (select 1 from sp_partsupp, sp_supplier where ps_partkey = p_partkey and s_suppkey = ps_suppkey and s_nationkey = p_size % 25) from sp_part where p_partkey < 40 order by 1;
select p_partkey, p_size % 25 in (select s_nationkey from sp_partsupp, sp_supplier where ps_partkey = p_partkey and s_suppkey = ps_suppkey) from sp_part where p_partkey < 40 order by 1;
-- two levels: the inner subquery reads the outermost row
select p_partkey, (select count(*) from sp_partsupp, sp_supplier where ps_partkey = p_partkey and s_suppkey = ps_suppkey
    and s_nationkey in (select n_nationkey from sp_nation, sp_region where n_regionkey = r_regionkey and r_regionkey = p_partkey % 5))
from sp_part where p_partkey between 100 and 130 order by 1;
-- a subquery whose lookup value comes from the enclosing row directly
select p_partkey, (select max(s_name) from sp_supplier, sp_nation where s_nationkey = n_nationkey and s_suppkey = p_partkey) from sp_part where p_partkey between 1990 and 2010 order by 1;
