-- Generic and custom plans of prepared statements (executor/plancache.go):
-- plan_cache_mode, EXPLAIN EXECUTE ($n in a generic plan, the value in a
-- custom one), pg_prepared_statements' generic_plans and custom_plans,
-- and re-planning after CREATE INDEX, ALTER TABLE and ANALYZE.
create table pc (id int primary key, k int, u int, t text);
insert into pc select g, g % 10, g, 'v' || g from generate_series(1, 1000) g;
analyze pc;
prepare q1(int) as select id, t from pc where u = $1;
prepare q2(int) as select t from pc where id = $1;
prepare q3 as select count(*) from pc;
-- auto: five custom plans, then the generic plan
execute q1(1);
execute q1(2);
execute q2(10);
execute q3;
execute q3;
select name, generic_plans, custom_plans from pg_prepared_statements order by name;
explain (costs off) execute q1(3);
explain (costs off) execute q1(4);
explain (costs off) execute q1(5);
select name, generic_plans, custom_plans from pg_prepared_statements order by name;
explain (costs off) execute q1(6);
execute q1(7);
execute q1(8);
select name, generic_plans, custom_plans from pg_prepared_statements order by name;
-- forced modes
set plan_cache_mode = force_custom_plan;
explain (costs off) execute q2(50);
execute q2(50);
set plan_cache_mode = force_generic_plan;
explain (costs off) execute q2(50);
execute q2(50);
select name, generic_plans, custom_plans from pg_prepared_statements order by name;
set plan_cache_mode = bogus;
show plan_cache_mode;
reset plan_cache_mode;
show plan_cache_mode;
-- constant folding sees the values in a custom plan
prepare q4(int, int) as select t from pc where id = $1 or $2 = 0;
set plan_cache_mode = force_custom_plan;
explain (costs off) execute q4(5, 1);
execute q4(5, 1);
set plan_cache_mode = force_generic_plan;
explain (costs off) execute q4(5, 1);
execute q4(5, 1);
-- a NULL value
execute q4(null, 1);
set plan_cache_mode = force_custom_plan;
execute q4(null, 1);
explain (costs off) execute q4(null, 1);
-- re-planning: CREATE INDEX, ALTER TABLE, ANALYZE
set plan_cache_mode = force_generic_plan;
prepare q5(int) as select id, t from pc where u = $1;
explain (costs off) execute q5(3);
create index pc_u on pc (u);
explain (costs off) execute q5(3);
execute q5(3);
alter table pc add column extra int;
execute q5(3);
analyze pc;
execute q5(3);
explain (costs off) execute q5(3);
drop index pc_u;
explain (costs off) execute q5(3);
execute q5(3);
select name, generic_plans, custom_plans from pg_prepared_statements order by name;
reset plan_cache_mode;
-- DML through custom and generic plans
prepare u(int, text) as update pc set t = $2 where id = $1;
execute u(1, 'a');
execute u(2, 'b');
execute u(3, 'c');
execute u(4, 'd');
execute u(5, 'e');
execute u(6, 'f');
execute u(7, 'g');
select id, t from pc where id <= 7 order by id;
select name, generic_plans, custom_plans from pg_prepared_statements where name = 'u';
deallocate all;
select count(*) from pg_prepared_statements;
