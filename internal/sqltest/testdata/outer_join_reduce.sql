-- Outer-join simplification (planner/outerjoin.go): a WHERE conjunct
-- that cannot be true on NULL-extended rows makes an outer join inner
-- (or a FULL JOIN a LEFT JOIN), and a conjunct over a LEFT JOIN's
-- preserved side filters that side before the join.
create table pt(k int primary key, s text);
create table pl(k int primary key, v int);
create table pm(k int primary key, w int);
insert into pt select g, 'v'||(g%10) from generate_series(1,1000) g;
insert into pl select g, g from generate_series(1,1000,2) g;
insert into pm select g, g from generate_series(1,1000,3) g;
insert into pl values (1002, null);
analyze pt;
analyze pl;
analyze pm;
-- preserved-side conjunct pushed below the join
explain (costs off) select * from pt left join pl on pt.k = pl.k where pt.s = 'v7';
-- strict conjunct on the nullable side: an inner join
explain (costs off) select * from pt left join pl on pt.k = pl.k where pl.v > 5;
-- IS NULL keeps the outer join (it is how anti joins are written)
explain (costs off) select * from pt left join pl on pt.k = pl.k where pl.v is null;
-- FULL JOIN with a conjunct on its left side: a LEFT JOIN
explain (costs off) select * from pt full join pl on pt.k = pl.k where pt.s = 'v7';
select count(*) from pt left join pl on pt.k = pl.k where pl.v > 5;
select count(*) from pt left join pl on pt.k = pl.k where pl.v is null;
select count(*) from pt left join pl on pt.k = pl.k where pl.k is not null;
select count(*) from pt left join pl on pt.k = pl.k where pl.v > 5 or pt.k < 10;
select count(*) from pt left join pl on pt.k = pl.k where pl.v > 5 or pl.v < 3;
select count(*) from pt left join pl on pt.k = pl.k where coalesce(pl.v, 0) = 0;
select count(*) from pt left join pl on pt.k = pl.k where (pl.v > 5) is not true;
select count(*) from pt left join pl on pt.k = pl.k where not (pl.v > 5);
select count(*) from pt left join pl on pt.k = pl.k where pl.v = any(array[1,3,5]);
select count(*) from pt left join pl on pt.k = pl.k where pl.v::text = '7';
select count(*) from pt left join pl on pt.k = pl.k where pt.s = 'v3' and pl.k is not null;
select count(*) from pt left join pl on pt.k = pl.k where pt.s || pl.v is null;
select count(*) from pt full join pl on pt.k = pl.k where pt.s = 'v7';
select count(*) from pt full join pl on pt.k = pl.k where pl.v > 990;
select count(*) from pt full join pl on pt.k = pl.k where pt.s = 'v7' and pl.v > 0;
-- an inner join's ON clause reduces the LEFT JOIN below it too
select count(*) from pt left join pl on pt.k = pl.k left join pm on pl.k = pm.k where pm.w > 3;
select count(*) from pt left join pl on pt.k = pl.k join pm on pl.k = pm.k;
select count(*) from pt left join pl on pt.k = pl.k join pm on pt.k = pm.k where pm.w < 100;
select count(*) from pt left join (pl left join pm on pl.k = pm.k) on pt.k = pl.k where pm.w > 3;
-- a volatile conjunct on the preserved side stays above the join
select count(*) >= 0 from pt left join pl on pt.k = pl.k where pt.k < 10 and random() >= 0;
-- correlated subquery conjuncts stay in place
select count(*) from pt left join pl on pt.k = pl.k where exists (select 1 from pm where pm.k = pl.k);
select count(*) from pt left join pl on pt.k = pl.k where pt.k in (select k from pm where w < 50);
drop table pt, pl, pm;
