-- Errors: SQLSTATE, message, LINE and caret (the error position).
select 1/0;
select nosuch;
select 1,
  nosuch_col;
select 'abc'::int;
select 1 +;
selec 1;
select nosuchfunc(1);
select 2147483647::int4 + 1;
select 'a'::text + 1;
select 12345.678::numeric(5,2);
select 'not a date'::timestamp;
select (1;);
select 1 from;
select 1 2;
select 'a' 'b';
select 'abc'::int4 /* comment */ + 1;
select current_setting('no.such_setting_x');
select   1,   2,
         3 / 0 as boom;
-- several statements on one line: the error stops the rest
select 'before'; select 1/0; select 'never';
-- positions count characters, not bytes
select 'héllo wörld', nosuch;
-- psql shortens long lines around the caret
select 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 11 + 12 + 13 + 14 + 15 + 16 + 17 + 18 + 19 + nosuch + 20 + 21 + 22 + 23 + 24 + 25 + 26;
select 1
  + 2
  + nosuch;
-- the session works after errors
select 'still alive';
\set VERBOSITY sqlstate
select 1/0;
select nosuch;
\set VERBOSITY default
