-- psql \d's foreign-key sections, regclass output by name, WITH ORDINALITY
create table p (id int primary key, code text unique);
create table c (id int primary key, pid int references p on delete cascade, pcode text, constraint c_code_fk foreign key (pcode) references p (code));
create table "Odd T" (x int references c);
\d p
\d c
\d "Odd T"
select conname, conrelid::regclass, confrelid::regclass from pg_constraint where contype = 'f' order by 1;
select 'p'::regclass, '"Odd T"'::regclass, 'pg_class'::regclass, 'information_schema.tables'::regclass, 'p'::regclass::text;
select relname, relhastriggers from pg_class where relname in ('p', 'c', 'Odd T') order by 1;
select * from generate_series(5, 7) with ordinality;
select * from generate_series(5, 7) with ordinality as a(v, n);
select g, ordinality from generate_series(5, 6) with ordinality g;
select * from unnest(array['x', 'y']) with ordinality;
-- index names are relations for regclass too
create index c_pid on c (pid);
select 'p_pkey'::regclass, 'c_pid'::regclass, 'public.c_pid'::regclass, 'p_code_key'::regclass;
select indexrelid::regclass, indrelid::regclass from pg_index where indrelid = 'c'::regclass order by indexrelid::regclass::text;
select 'nope'::regclass;
