\set n random(1, 3)
SET extra_float_digits = 3;
SHOW extra_float_digits;
SELECT 1.0::float8 / :n;
RESET extra_float_digits;
