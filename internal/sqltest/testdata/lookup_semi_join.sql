-- Cost-based subquery rules (planner/lookupsemi.go): EXISTS / NOT EXISTS
-- run as an index nested loop (a LATERAL semi / anti join that stops at
-- the first match) when the outer rows are few and the subquery's table
-- can be read by key; a correlated scalar aggregate stays a per-row
-- subquery then; conjuncts no subquery rule takes filter the FROM rows
-- before the semi / anti join. Results (NULL keys, extra correlated
-- conditions, several key columns, empty sides) and EXPLAIN shapes.
create table ord (ok int primary key, ck int, st char(1), d date);
create table li (ok int, ln int, sk int, q int, rd date, cd date, primary key (ok, ln));
create index li_sk on li (sk);
create table cu (ck int primary key, ph text, bal numeric);
insert into ord select g, g % 50, case when g % 3 = 0 then 'F' else 'O' end, date '1995-01-01' + g % 400 from generate_series(1, 2000) g;
insert into li select o, l, (o * 7 + l) % 97, l * 3, date '1995-01-01' + (o + l) % 300, date '1995-01-01' + (o * l) % 300
  from generate_series(1, 2000) o, generate_series(1, 4) l where (o + l) % 5 <> 0;
insert into li values (2001, 1, null, 1, null, null), (2002, 1, 5, null, date '1995-02-01', date '1995-01-01');
insert into cu select g, (10 + g % 25)::text || '-555', (g % 17) * 100 - 500 from generate_series(1, 80) g;
insert into cu values (81, null, null);
insert into ord values (2001, null, 'F', null), (2002, 81, 'O', date '1995-03-01');
analyze ord;
analyze li;
analyze cu;
-- Q4's shape: a few orders, EXISTS over their line items
select count(*) from ord o where o.d >= date '1995-02-01' and o.d < date '1995-02-08'
  and exists (select * from li where li.ok = o.ok and li.cd < li.rd);
select o.ok from ord o where o.d = date '1995-02-03' and exists (select 1 from li where li.ok = o.ok) order by 1;
select o.ok from ord o where o.d = date '1995-02-03' and not exists (select 1 from li where li.ok = o.ok) order by 1;
-- Q21's shape: extra correlated conditions beside the key
select l1.ok, l1.ln from li l1 where l1.sk = 5
  and exists (select * from li l2 where l2.ok = l1.ok and l2.sk <> l1.sk)
  and not exists (select * from li l3 where l3.ok = l1.ok and l3.sk <> l1.sk and l3.rd > l3.cd)
  order by 1, 2;
select l1.ok, l1.ln from li l1 join ord o on o.ok = l1.ok where l1.sk = 7 and o.st = 'F'
  and exists (select * from li l2 where l2.ok = l1.ok and l2.ln <> l1.ln)
  order by 1, 2;
-- NULL keys match nothing; NOT EXISTS keeps them
select o.ok from ord o where o.ok > 1995 and not exists (select 1 from li where li.ok = o.ok and li.sk is not null) order by 1;
select l.ok, l.ln from li l where l.ok > 1998 and not exists (select 1 from ord o where o.ck = l.sk and o.ok < 100) order by 1, 2;
-- two key columns
select l1.ok from li l1 where l1.sk = 3 and exists (select 1 from li l2 where l2.ok = l1.ok and l2.ln = l1.ln + 1) order by 1;
-- empty outer side, empty inner side
select o.ok from ord o where o.ok < 0 and exists (select 1 from li where li.ok = o.ok);
select o.ok from ord o where o.ok = 7 and not exists (select 1 from li where li.ok = o.ok and li.q < 0);
-- Q22's shape: local conditions (with an uncorrelated subquery) first, then the anti join
select substring(ph from 1 for 2) as cc, count(*), sum(bal) from cu
  where substring(ph from 1 for 2) in ('13', '31', '23', '29', '30', '18', '17')
    and bal > (select avg(bal) from cu where bal > 0)
    and not exists (select * from ord where ord.ck = cu.ck)
  group by cc order by cc;
-- Q17's shape: a per-row scalar aggregate on a few outer rows
select sum(l.q) from li l join ord o on o.ok = l.ok where o.ok between 10 and 14
  and l.q < (select 0.9 * avg(l2.q) from li l2 where l2.ok = l.ok);
select l.ok, l.ln from li l where l.ok between 20 and 22
  and l.q >= (select max(l2.q) from li l2 where l2.ok = l.ok) order by 1, 2;
-- LIKE prefix estimates (planner/likesel.go) do not change answers
select count(*) from cu where ph like '1%';
select count(*) from cu where ph like '12-%';
select count(*) from cu where ph like '%5';
-- plans
explain (costs off) select o.ok from ord o where o.d = date '1995-02-03' and exists (select 1 from li where li.ok = o.ok and li.q > 3);
explain (costs off) select o.ok from ord o where o.d = date '1995-02-03' and not exists (select 1 from li where li.ok = o.ok and li.q > 3);
