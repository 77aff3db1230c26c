-- A numeric product has the sum of its factors' display scales, also when
-- a stored whole number (kept as 1E+4) meets a factor too wide for the
-- int64 fast path.
create table n (a numeric, b numeric);
insert into n values (10000, 123456789012345678901.5), (100, 2.25), (1e3, 1e20), (0, 123456789012345678901.55), (-20, 99999999999999999999.999), (null, 1.5);
select a * b, b * a, a * 1.50, a * 1e30, a * 0.000000000000000000001 from n order by a nulls last;
select sum(a * b), sum(b * a * 10) from n;
drop table n;
