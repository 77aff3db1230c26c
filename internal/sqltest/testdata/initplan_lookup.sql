-- The init-plan lookup rule (planner/initplanlookup.go): an uncorrelated
-- scalar subquery plans its joins as the statement's own query does
-- (index nested loops allowed), TPC-H Q11's shape. Results against
-- PostgreSQL, with the subquery in WHERE, HAVING, the select list, and
-- beside correlated ones.
create table sup (k int primary key, nation int, name text);
create index sup_nation on sup (nation);
create table ps (part int, supp int, qty int, cost numeric, primary key (part, supp));
create index ps_supp on ps (supp);
create table nat (k int primary key, name text);
insert into nat select i, 'n' || i from generate_series(0, 9) i;
insert into sup select i, i % 10, 's' || i from generate_series(1, 100) i;
insert into ps select p, s, (p * s) % 97, ((p + s) % 13) / 4.0 from generate_series(1, 200) p, generate_series(1, 100, 7) s;
analyze sup;
analyze ps;
analyze nat;
select part, sum(cost * qty) as value from ps, sup, nat
where supp = sup.k and nation = nat.k and nat.name = 'n3'
group by part
having sum(cost * qty) > (select sum(cost * qty) * 0.01 from ps, sup, nat where supp = sup.k and nation = nat.k and nat.name = 'n3')
order by value desc, part limit 20;
select count(*) from ps where qty > (select avg(qty) from ps p2 join sup on sup.k = p2.supp where sup.nation = 4);
select (select max(p2.qty) from ps p2, sup where sup.k = p2.supp and sup.name = 's8'),
       (select count(*) from sup, nat where sup.nation = nat.k and nat.name in ('n1', 'n2'));
select n.k, (select count(*) from sup s where s.nation = n.k),
       (select max(qty) from ps, sup where ps.supp = sup.k and sup.nation = 2)
from nat n order by 1;
-- empty and NULL results
select count(*) from ps where qty > (select max(qty) from ps p2 join sup on sup.k = p2.supp where sup.nation = 42);
select (select sum(qty) from ps p2 join sup on sup.k = p2.supp where sup.name = 'none');
-- more than one row is an error
select (select p2.qty from ps p2 join sup on sup.k = p2.supp where sup.nation = 1);
-- prepared, with a parameter inside the subquery
prepare q(int) as select count(*) from ps where qty > (select avg(qty) from ps p2 join sup on sup.k = p2.supp where sup.nation = $1);
execute q(1);
execute q(2);
execute q(3);
execute q(4);
execute q(5);
execute q(6);
deallocate q;
