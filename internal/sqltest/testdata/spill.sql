-- Sorts, hash aggregates and hash joins past work_mem spill to temporary
-- files; their results must not change. Big outputs are checked through
-- md5 of their text in order, and through sampled rows.
set work_mem = '64kB';
show work_mem;
create table s (id int primary key, g int, k int, t text, f float8, c int);
insert into s select i, (i * 7919) % 5000, case when i % 13 = 0 then null else i % 977 end,
  'row ' || lpad(((i * 31) % 20000)::text, 6, '0'), i / 7.0, i % 10
  from generate_series(1, 20000) i;
create table o (id int primary key, g int, k int, t text);
insert into o select i, (i * 104729) % 3000, case when i % 11 = 0 then null else i % 977 end,
  'row ' || lpad(((i * 17) % 20000)::text, 6, '0')
  from generate_series(1, 8000) i;
-- External sorts: whole output in order.
select md5(string_agg(id::text || ':' || g, ',')) from (select id, g from s order by g, id) q;
select md5(string_agg(t, ',')) from (select t from s order by t desc) q;
select md5(string_agg(coalesce(k::text, 'N') || '/' || id, ',')) from (select k, id from s order by k nulls first, id desc) q;
select md5(string_agg(f::text, ',')) from (select f from s order by f) q;
select id, g, t from s order by g desc, id limit 5;
select id, g, t from s order by g, id limit 5 offset 10000;
select id, c, t from s order by c, t limit 7;
select id, f from s order by f desc limit 3;
select count(*), min(id), max(id) from (select * from s order by t limit 15000) q;
-- Sorted rows sampled by position.
select * from (select id, t, row_number() over (order by t, id) rn from s) q where rn % 2500 = 0 order by rn;
-- DISTINCT and UNION.
select count(*) from (select distinct g from s) q;
select count(*) from (select distinct t from s) q;
select count(*) from (select g from s union select g from o) q;
select g from (select distinct g from s) q order by g limit 5;
-- GROUP BY with many groups.
select count(*), sum(n), max(n) from (select g, count(*) n from s group by g) q;
select g, count(*), sum(id), min(t), max(f) from s group by g order by g limit 5;
select g, count(*), sum(id) from s group by g order by sum(id) desc, g limit 5;
select t, count(*) from s group by t having count(*) > 1 order by t limit 5;
select md5(string_agg(g || '=' || n, ',' order by g)) from (select g, count(*) n from s group by g) q;
select g, k, count(*) from s group by g, k order by count(*) desc, g, k limit 5;
select g, array_agg(id order by id) from s group by g order by g limit 3;
select c, count(distinct g) from s group by c order by c;
-- Joins with a build side bigger than work_mem.
select count(*), sum(s.id), sum(o.id) from s join o on s.g = o.id;
select count(*), sum(s.id) from s join o on s.t = o.t;
select count(*), count(o.id), sum(s.id) from s left join o on s.k = o.k and o.g < 100;
select count(*), count(s.id), count(o.id) from s full join o on s.g = o.g and o.id < 4000;
select count(*) from s where exists (select 1 from o where o.g = s.g);
select count(*) from s where not exists (select 1 from o where o.k = s.k);
select count(*) from s where g in (select k from o);
select s.id, o.id, o.t from s join o on s.g = o.id order by s.id limit 5;
select o.g, count(*) from s join o on s.g = o.id group by o.g order by 2 desc, 1 limit 5;
-- Window functions over sorted input.
select id, sum(id) over (partition by c order by id) from s order by id limit 5;
select c, id, rank() over (partition by c order by t) from s order by c, t limit 5;
select md5(string_agg(r::text, ',' order by id)) from (select id, row_number() over (order by g, id) r from s) q;
-- Settings.
set work_mem = '10kB';
set work_mem = 'lots';
set work_mem = '1.5MB';
show work_mem;
set work_mem = 65536;
show work_mem;
set hash_mem_multiplier = 0.5;
set hash_mem_multiplier = 1.5;
show hash_mem_multiplier;
show temp_file_limit;
reset work_mem;
show work_mem;
-- Top-N bounds near the int8 range.
select id from s order by t limit 9223372036854775807 offset 19998;
select id from s order by t limit 3 offset 9223372036854775806;
select id from s order by t desc limit 2 offset 3;
