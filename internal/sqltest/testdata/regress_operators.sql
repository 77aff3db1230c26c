-- PostgreSQL operators TiDB's grammar lacks (sql/parser/operators.go):
-- prefix @ (abs), |/ (sqrt), ||/ (cbrt) and binary # (integer xor).
SET extra_float_digits = 0;
SELECT |/ float8 '64' AS eight, ||/ float8 '27' AS three, @ -5.5 AS abs_num, @ float8 '-3' AS abs_f8;
SELECT @ int2 '-3', @ -7, @ int8 '-9000000000', @ float4 '-1.5', @ 0;
-- the operand extends over + - * / ^ as in gram.y: |/ 4 + 5 is |/ 9
SELECT |/ 4 + 5 AS three, @ 3 - 10 AS seven, 1 + @ -2 * 3 AS seven2, @ 2 + 3 * 4 AS fourteen, 1 * @ 2 + 3 AS five;
SELECT - @ -3 AS minus_three, @ (2 - 5) AS three, ||/ -27 AS minus_three_f;
SELECT 1 # 3, 5 # 3 # 1, 5 & 3 # 1, 123::int8 # 456, int2 '7' # int2 '2', -1 # 1;
CREATE TABLE ops (i int, f float8);
INSERT INTO ops VALUES (1, 4), (-2, 0), (3, 1004.3), (-4, -34.84), (NULL, NULL);
SELECT i, f, @i AS abs_i, @f AS abs_f, i # 5 AS xor5, |/ @f AS sqrt_abs FROM ops ORDER BY i;
SELECT f, ||/f AS cbrt_f FROM ops WHERE f > '0.0' ORDER BY f;
-- errors
SELECT |/ -1.0::float8;
SELECT @ 'abc';
SELECT |/ 'x';
SELECT @ true;
SELECT 1.5 # 2;
SELECT 'a' # 'b';
SELECT |/ ;
SELECT 1 |/ 2;
SELECT 2 @ 3;
