-- ANALYZE and pg_stats: on tables read whole (under 30000 rows) the
-- statistics are PostgreSQL's own: null fractions, distinct counts
-- (negative when they scale with the table), common values and their
-- frequencies, histograms, correlation; reltuples follows.
create table st (id int primary key, grp int, name text, flag bool, d date, n numeric, nul int);
insert into st select i, i % 7, 'name' || (i % 40), i % 3 = 0, date '2020-01-01' + (i % 400), i % 11, null
  from generate_series(1, 2000) i;
insert into st values (2001, null, null, null, null, null, 1);
select relname, reltuples from pg_class where relname = 'st';
analyze st;
select relname, reltuples from pg_class where relname = 'st';
select attname, null_frac, n_distinct, most_common_vals, most_common_freqs, correlation
  from pg_stats where tablename = 'st' and attname in ('grp', 'flag', 'n', 'nul') order by attname;
select attname, null_frac, avg_width, n_distinct, correlation, histogram_bounds is null as no_hist,
  array_length(most_common_freqs, 1) as mcvs
  from pg_stats where tablename = 'st' and attname in ('id', 'name', 'd') order by attname;
select histogram_bounds from pg_stats where tablename = 'st' and attname = 'id';
select avg_width from pg_stats where tablename = 'st' and attname in ('id', 'grp', 'flag', 'd', 'name') order by attname;
create table skew (k int, v text);
insert into skew select case when i <= 500 then 1 when i <= 700 then 2 else i end, 'v' || (i % 3) from generate_series(1, 1000) i;
analyze skew;
select attname, n_distinct, most_common_vals, most_common_freqs, histogram_bounds is not null as hist
  from pg_stats where tablename = 'skew' order by attname;
vacuum analyze skew;
analyze nosuch;
analyze;
select count(distinct tablename) from pg_stats where schemaname = 'public';
