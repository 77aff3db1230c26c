-- source: metabase/metabase src/metabase/driver/postgres.clj (commit 008fd6675457cdd62da2265628bed3b725a607ea)
-- what: enum-types, run before describe-fields to tag enum columns
SELECT nspname, typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.oid IN (SELECT DISTINCT enumtypid FROM pg_enum e)
