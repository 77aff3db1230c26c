-- Comparisons with correlated scalar aggregates (the subquery rule that
-- aggregates once and hash-joins, planner/scalarjoin.go) against the
-- per-row answers PostgreSQL gives: empty groups, NULLs, several keys,
-- inner filters, both comparison sides, and shapes the rule must leave.
create table part (pk int primary key, name text);
create table item (id int primary key, pk int, sk int, qty numeric, ship date);
insert into part values (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd');
insert into item values
  (1, 1, 10, 5, '2020-01-01'), (2, 1, 10, 1, '2020-02-01'), (3, 1, 11, 20, '2021-01-01'),
  (4, 2, 10, 7, '2020-03-01'), (5, 2, 10, null, '2020-03-02'), (6, 3, 12, 4, '2019-01-01'),
  (7, null, 10, 3, '2020-01-01');
select i.id from item i where i.qty < (select 0.5 * avg(x.qty) from item x where x.pk = i.pk) order by 1;
select i.id from item i where (select max(x.qty) from item x where x.pk = i.pk and x.sk = i.sk) = i.qty order by 1;
select p.name from part p where (select sum(x.qty) from item x where x.pk = p.pk and x.ship >= '2020-01-01') > 5 order by 1;
select p.name from part p where 3 < (select min(x.qty) + 1 from item x where x.pk = p.pk) order by 1;
select p.name from part p where (select count(*) from item x where x.pk = p.pk) = 0 order by 1;
select p.name from part p where (select sum(x.qty) from item x where x.pk = p.pk) is null order by 1;
select p.name, i.id from part p join item i on i.pk = p.pk
 where i.qty >= (select avg(x.qty) from item x where x.pk = p.pk and x.sk = i.sk) order by 1, 2;
select count(*) from item i where i.qty > (select avg(x.qty) from item x where x.sk = i.sk);
