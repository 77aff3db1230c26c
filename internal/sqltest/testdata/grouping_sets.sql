-- GROUP BY ROLLUP / CUBE / GROUPING SETS / () and GROUPING()
create table sales (region text, city text, year int, amount numeric);
insert into sales values
  ('east', 'boston', 2023, 10), ('east', 'boston', 2024, 20), ('east', 'nyc', 2024, 5),
  ('west', 'la', 2023, 7), ('west', 'sf', 2023, 3), ('west', 'sf', 2024, null), (null, null, 2024, 1);
select region, city, sum(amount), count(*) from sales group by rollup (region, city) order by 1, 2, 4;
select region, year, sum(amount) from sales group by cube (region, year) order by 1, 2;
select region, city, year, count(*) from sales group by grouping sets ((region, city), (year), ()) order by 1, 2, 3, 4;
select region, grouping(region), grouping(region, city), count(*) from sales group by rollup (region, city) order by 1, 2, 3, 4;
select count(*), sum(amount) from sales group by ();
select count(*) from sales where false group by ();
select count(*) from sales where false group by rollup (region);
select region, year, count(*) from sales group by region, rollup (year) order by 1, 2;
select region, city, count(*) from sales group by rollup ((region, city)) order by 1, 2, 3;
select region, count(*) from sales group by grouping sets (region, rollup (region)) order by 1, 2;
select region, sum(amount) s from sales group by rollup (region) having sum(amount) > 10 order by 1;
select case when grouping(region) = 1 then 'all' else region end r, sum(amount) from sales group by rollup (region) order by 1;
select region, count(*) from sales group by rollup (region) order by grouping(region), 1;
select 1 from sales group by ();
select grouping(city) from sales group by region;
select region from sales where grouping(region) = 0 group by region;
