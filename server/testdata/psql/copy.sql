-- COPY (SELECT ...) TO STDOUT in text and CSV.
copy (select 1 as a, 'x' as b, null::text as c) to stdout;
copy (select 1 as a, E'tab\there' as b, 'back\slash' as c, E'new\nline' as d) to stdout;
copy (select 1 as a, 'q,"x' as b, null::int as c) to stdout with (format csv, header);
copy (select 1.5::numeric, true, '2024-01-02'::date) to stdout (delimiter '|');
copy (select 1, null) to stdout (null 'NULL');
copy (select 1/0) to stdout;
copy (select 1) to stdout (format nosuch);
select 'after copy';
