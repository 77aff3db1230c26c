\set a random(1, 100000)
\set b random(1, 1000) * 2
\set f random(-50, 50)
SELECT :a::int4 + :b AS s, :a::int8 * 2 AS d, :f AS f;
SELECT abs(:f), :a::text || 'x', :b % 7;
SELECT CASE WHEN :a > 50000 THEN 'high' ELSE 'low' END, length(:a::text);
