-- Window functions.
create table s (id int primary key, grp text, v int);
insert into s values (1, 'a', 10), (2, 'a', 20), (3, 'a', 20), (4, 'b', 5), (5, 'b', null), (6, 'c', 7);
select id, row_number() over (order by id) from s order by id;
select id, grp, v, rank() over (partition by grp order by v), dense_rank() over (partition by grp order by v) from s order by id;
select id, percent_rank() over (order by v), cume_dist() over (order by v) from s order by id;
select id, ntile(4) over (order by id) from s order by id;
select id, lag(v) over (order by id), lead(v, 2, -1) over (order by id) from s order by id;
select id, first_value(v) over (partition by grp order by id), last_value(v) over (partition by grp order by id), nth_value(v, 2) over (partition by grp order by id) from s order by id;
select id, sum(v) over (order by id), count(*) over (), avg(v) over (partition by grp) from s order by id;
select id, sum(v) over (order by v) from s order by id;
select id, sum(v) over (order by id rows between 1 preceding and 1 following) from s order by id;
select id, max(v) over (order by id rows between unbounded preceding and current row), min(v) over (partition by grp) from s order by id;
select grp, sum(v), rank() over (order by sum(v) desc) from s group by grp order by grp;
select id, count(v) over w, sum(v) over w from s window w as (partition by grp) order by id;
select id from s where row_number() over () > 1;
select grp, v, row_number() over (partition by grp order by v desc nulls last) as rn from s order by grp, rn;
select * from (select id, row_number() over (order by v desc) as rn from s) x where rn <= 2 order by rn;
select id, sum(v) over (order by id rows between 2 following and 1 following) from s order by id;
select count(*) over () from s limit 1;
-- running sums over bigint and numeric (the running state must not leak into earlier rows)
select x, sum(x::int8) over (order by x), sum(x::numeric) over (order by x), sum(x * 1.5) over (order by x), avg(x * 0.5) over (order by x) from generate_series(1, 4) x;
