-- pg_timezone_names lists the system's tz database as PostgreSQL 15 built
-- with the system tzdata does: zones with leap seconds (right/...) left out,
-- posix/... and the top-level aliases in.
select count(*) as zones, count(*) filter (where name like 'right/%') as leap_zones,
       count(*) filter (where name like 'posix/%') > 0 as posix
  from pg_timezone_names;
select count(*) = (select count(distinct name) from pg_timezone_names) as unique_names from pg_timezone_names;
select name, abbrev, utc_offset, is_dst from pg_timezone_names
 where name in ('UTC', 'Etc/GMT+5', 'Asia/Kolkata', 'Asia/Tokyo', 'posix/Asia/Tokyo', 'Factory', 'Zulu',
                'America/Sao_Paulo', 'Africa/Abidjan', 'Pacific/Chatham')
 order by name;
-- Everything PostgreSQL lists, nqdb lists, with the same offsets.
select name, abbrev, utc_offset, is_dst from pg_timezone_names
 where name like 'Europe/%' order by name;
select count(*) from pg_timezone_names where name ilike '%/new_york';
select abbrev, count(*) from pg_timezone_names where name like 'Australia/%' group by abbrev order by 1;
-- The functions behind the catalog views read the same rows (psql's
-- completion of SET TIME ZONE calls pg_timezone_names()).
SELECT name FROM pg_catalog.pg_timezone_names() WHERE pg_catalog.lower(name) LIKE pg_catalog.lower('europe/ber%');
select z.name, z.abbrev from pg_timezone_names() as z where z.name = 'UTC';
select pg_timezone_names.is_dst from pg_timezone_names() where name = 'UTC';
select count(*) > 0 as locks from pg_lock_status();
