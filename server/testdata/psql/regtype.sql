-- regtype prints and reads type names (pgx resolves unknown types with $1::text::regtype::oid).
select pg_typeof(1), pg_typeof('a'::text), pg_typeof(1.5), pg_typeof(now()), pg_typeof(array[1,2]);
select 'integer'::regtype, 'int4'::regtype::oid, 'character varying'::regtype, 'text[]'::regtype, '25'::regtype;
select 'nosuch'::regtype;
select pg_typeof(pg_typeof(1));
