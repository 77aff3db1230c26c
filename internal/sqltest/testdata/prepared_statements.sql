-- pg_prepared_statements lists SQL-level prepared statements (the whole PREPARE text as sent).
prepare p1 as select 1;
prepare p2 (int, text) as select $1, $2;
select name, statement, prepare_time is not null as t, parameter_types, from_sql, generic_plans, custom_plans from pg_prepared_statements order by name;
deallocate p1;
select name from pg_prepared_statements;
