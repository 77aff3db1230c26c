-- psql variables, interpolation and \gset.
\set a 42
\set name 'world'
\set list '1, 2, 3'
select :a + 1 as a_plus_one;
select :'name' as quoted;
select 1 as :"name";
select greatest(:list) as biggest;
select :a * 2 as doubled \gset
\echo doubled is :doubled
select 'x' as col1, 2 as col2 \gset pre_
\echo :pre_col1 :pre_col2
select :undefined_var;
select 1 as one, 2 as two \gset
\echo :one :two
select 1 where false \gset
select 1 \g
select :'name' || '!' as greeting \g
\set flag true
\if :flag
\echo flag is true
\endif
select :a = 42 as is_answer \gset
\if :is_answer
\echo the answer
\else
\echo not the answer
\endif
