-- SELECT ... INTO new_table: CREATE TABLE AS the SELECT without its INTO.
select g as n, g * 2 as twice into si1 from generate_series(1, 5) g where g > 2;
select * from si1 order by n;
select n into temp table si2 from si1 where n = 4;
select * from si2;
select n into unlogged si3 from si1 union all select 9;
select * from si3 order by 1;
with w as (select 1 as a) select a into si4 from w;
select * from si4;
select 1 into si1;
select n into si5 from si1 where nosuch = 1;
select * into from si1;
select count(*) into public.si6 from si1;
select * from si6;
drop table si1, si3, si4, si6;
