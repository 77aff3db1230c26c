-- The IN pull-up rule (planner/inpullup.go): `x IN (SELECT k FROM t
-- WHERE f)` with k alone a unique key of t joins t as one more relation,
-- and an uncorrelated IN subquery that stays a subquery plans its joins
-- with index lookups (planner/initplanlookup.go). TPC-H Q20's shape;
-- results with NULLs, duplicates on the outer side, non-unique columns
-- (left to the semi join), NOT IN, and several IN conjuncts.
create table part (pk int primary key, name text, u int unique, nu int);
create table ps (part int, supp int, qty int, primary key (part, supp));
create table li (part int, supp int, qty int, ship date);
create index li_ps on li (part, supp);
create table sup (sk int primary key, name text, nation int);
insert into part select i, case when i % 9 = 0 then 'forest ' else 'other ' end || i, case when i % 5 <> 0 then i * 10 end, i % 4 from generate_series(1, 300) i;
insert into ps select p, s, (p * 7 + s) % 50 from generate_series(1, 300) p, generate_series(1, 20) s;
insert into ps values (301, 1, 5), (302, 2, 6);
insert into li select p, s, (p + s) % 11, date '1994-01-01' + (p * s) % 700 from generate_series(1, 300) p, generate_series(1, 20, 3) s;
insert into sup select i, 's' || i, i % 5 from generate_series(1, 20) i;
analyze part;
analyze ps;
analyze li;
analyze sup;
-- unique primary key
select count(*), sum(qty) from ps where part in (select pk from part where name like 'forest%');
select part, supp from ps where part in (select pk from part where name like 'forest 2%') order by 1, 2 limit 10;
-- unique index with NULLs in it, outer NULLs
select count(*) from ps where part * 10 in (select u from part where nu = 1);
select count(*) from ps where (case when part % 2 = 0 then null else part * 10 end) in (select u from part);
-- not unique: the semi join keeps one row per outer row
select count(*) from ps where part in (select nu from part);
-- two IN conjuncts and a join
select count(*) from ps join sup on sup.sk = ps.supp
where ps.part in (select pk from part where name like 'forest%') and ps.supp in (select sk from sup where nation = 2);
-- NOT IN stays a subquery
select count(*) from ps where part not in (select pk from part where name like 'forest%');
-- types: int8 outer, int4 key
select count(*) from ps where part::bigint in (select pk from part where pk < 10);
-- Q20's shape: the IN subquery stays a subquery (it holds a correlated one)
select sup.name from sup
where sup.sk in (
  select ps.supp from ps
  where ps.part in (select pk from part where name like 'forest%')
    and ps.qty > (select 0.5 * sum(li.qty) from li where li.part = ps.part and li.supp = ps.supp
                  and li.ship >= date '1994-01-01' and li.ship < date '1995-01-01'))
  and sup.nation = 3
order by sup.name;
