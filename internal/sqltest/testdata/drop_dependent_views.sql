-- DROP of a relation that views or materialized views read: 2BP01 listing
-- them depth first, or with CASCADE the views go too (views over views included).
create table t (a int primary key, b text);
create table u (a int references t, c int);
create view v1 as select a, b from t;
create view v2 as select a from v1 where a > 1;
create view vu as select u.c, t.b from u join t using (a);
create materialized view m1 as select count(*) as n from v2;
create view other as select 1 as one;
drop table t;
drop view v1;
drop view v2;
drop materialized view m1;
select count(*) from pg_class where relname in ('t', 'v1', 'v2', 'vu', 'm1');
drop view v1 cascade;
select relname from pg_class where relname in ('t', 'v1', 'v2', 'vu', 'm1', 'other') order by 1;
drop table t;
drop table t cascade;
select relname from pg_class where relname in ('t', 'u', 'vu', 'other') order by 1;
select * from other;
create table w (x int);
create view vw as select x from w;
drop table w, vw;
drop view vw, other;
drop table w;
drop table u;
