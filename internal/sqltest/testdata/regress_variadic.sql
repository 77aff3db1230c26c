-- VARIADIC array arguments (planner/funcs_variadic.go).
SELECT concat(variadic array[1,2,3]);
SELECT concat_ws(',', variadic array[1,2,3]);
SELECT concat_ws(',', variadic NULL::int[]);
SELECT concat(variadic NULL::int[]) IS NULL;
SELECT concat(variadic '{}'::int[]) = '';
SELECT concat_ws('-', variadic array['a', NULL, 'c']), concat(variadic array[true, false]);
SELECT concat_ws(NULL, variadic array[1,2]) IS NULL AS null_sep;
SELECT format('%s, %s', variadic array['Hello','World']);
SELECT format('%s, %s', variadic array[1, 2]);
SELECT format('%s, %s', variadic array[true, false]);
SELECT format('%s, %s', variadic array[true, false]::text[]);
SELECT format('%2$s, %1$s', variadic array['first', 'second']);
SELECT format('%2$s, %1$s', variadic array[1, 2]);
SELECT format('Hello', variadic NULL::int[]);
SELECT format('%I and %L', variadic array['Some Name', 'it''s']);
SELECT format('>%*s<', variadic array[5, 1]);
SELECT format(string_agg('%s',','), variadic array_agg(i)) FROM generate_series(1,30) g(i);
CREATE TABLE va (id int, parts text[]);
INSERT INTO va VALUES (1, '{a,b}'), (2, NULL), (3, '{}'), (4, '{x,NULL,z}');
SELECT id, concat(variadic parts), concat_ws('/', variadic parts), format('[%s]', variadic parts) FROM va ORDER BY id;
-- errors
SELECT concat_ws(',', variadic 10);
SELECT concat(variadic '{a,b}');
SELECT format('%s %s', variadic array[1]);
SELECT concat_ws(variadic array['a']);
SELECT lower(variadic array['a']);
SELECT concat(variadic array[1], 'b');
