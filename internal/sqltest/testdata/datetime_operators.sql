-- Operators mixing time, date, interval and timestamp: result types and
-- values, including wrap-around at midnight and infinite dates.
SELECT pg_typeof(time '10:00' + interval '1 hour'), time '10:00' + interval '1 hour';
SELECT pg_typeof(interval '1 hour' + time '10:00'), interval '1 hour' + time '10:00';
SELECT pg_typeof(time '10:00' - interval '1 hour'), time '01:00' - interval '2 hours 3 days';
SELECT time '23:00' + interval '3 days 2 hours', time '23:59:59.999999' + interval '-1 month 48:00:00.000001';
SELECT time '00:00' - interval '1 microsecond', time '12:00' + interval '-36 hours';
SELECT pg_typeof(interval '1 hour' + date '2020-01-01'), interval '1 hour' + date '2020-01-01';
SELECT pg_typeof(time '10:00' + date '2020-01-01'), time '10:00' + date '2020-01-01';
SELECT pg_typeof(date '2020-01-01' + time '10:00'), date '2020-01-01' + time '10:30:15.5';
SELECT pg_typeof(time '10:00' - time '09:00'), time '10:00' - time '09:00', time '09:00' - time '10:00';
SELECT pg_typeof(date '2020-01-01' - interval '1 hour'), date '2020-03-31' - interval '1 month';
SELECT date 'infinity' + time '10:00', time '10:00' + date '-infinity';
SELECT date 'infinity' + interval '1 day', date '-infinity' - interval '1 day', interval '1 day' + date 'infinity';
SELECT timestamp 'infinity' + interval '1 day', timestamptz '-infinity' - interval '1 year';
CREATE TABLE shifts (d date, t time, len interval);
INSERT INTO shifts VALUES ('2024-02-28', '22:00', '5 hours'), ('2024-12-31', '23:30', '1 day 1 hour'), (NULL, '08:00', '1 hour'), ('2024-01-01', NULL, NULL);
SELECT d + t AS starts, d + t + len AS ends, t + len AS clock_end, len + d AS from_midnight FROM shifts ORDER BY 1 NULLS LAST;
SELECT t - len FROM shifts ORDER BY 1;
DROP TABLE shifts;
