-- Materialized views: CREATE (WITH [NO] DATA), REFRESH [CONCURRENTLY], DROP,
-- the errors for writes and unpopulated reads, and their catalog rows.
create table sales (id int primary key, region text, amount numeric(10,2));
insert into sales values (1, 'north', 10), (2, 'south', 20.5), (3, 'north', 5);
create materialized view region_totals as select region, sum(amount) as total, count(*) as n from sales group by region;
select * from region_totals order by region;
\d region_totals
\dm
select schemaname, matviewname, hasindexes, ispopulated, definition from pg_matviews;
select relname, relkind, relispopulated from pg_class where relname in ('sales', 'region_totals') order by 1;
select tablename from pg_tables where schemaname = 'public' order by 1;
select table_name, table_type from information_schema.tables where table_schema = 'public' order by 1;
insert into sales values (4, 'east', 7);
select * from region_totals order by region;
refresh materialized view region_totals;
select * from region_totals order by region;
insert into region_totals values ('x', 1, 1);
update region_totals set n = 0;
delete from region_totals;
truncate region_totals;
drop table region_totals;
refresh materialized view concurrently region_totals;
create unique index region_totals_region on region_totals (region);
refresh materialized view concurrently region_totals;
refresh materialized view concurrently region_totals with no data;
refresh materialized view region_totals with no data;
select * from region_totals;
select relispopulated from pg_class where relname = 'region_totals';
refresh materialized view concurrently region_totals;
refresh materialized view region_totals;
select * from region_totals where region = 'east';
create materialized view empty_mv (r) as select region from sales with no data;
select * from empty_mv;
create materialized view if not exists empty_mv as select 1;
create materialized view region_totals as select 1;
refresh materialized view sales;
drop materialized view sales;
drop materialized view if exists nosuch;
drop materialized view nosuch;
begin;
insert into sales values (5, 'west', 1);
refresh materialized view region_totals;
select count(*) from region_totals;
rollback;
select count(*) from region_totals;
drop materialized view region_totals;
drop materialized view if exists empty_mv, region_totals;
drop table sales;
