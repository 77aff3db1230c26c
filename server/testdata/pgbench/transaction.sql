\set aid random(1, 100000)
\set delta random(-5000, 5000)
BEGIN;
SELECT :aid::int4 + :delta;
SELECT :aid::int8 * 2, 'x' || :aid;
SELECT current_setting('TimeZone');
END;
