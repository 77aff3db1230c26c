-- source: dbeaver/dbeaver plugins/org.jkiss.dbeaver.ext.postgresql/src/org/jkiss/dbeaver/ext/postgresql/model/PostgreSchema.java (commit 89f7317dd38d0f175bb6dde62387ea49dd508375)
-- what: CollationCache for schema public (none there: checks pg_collation's columns); ? = the schema's oid
SELECT c.oid,c.* FROM pg_catalog.pg_collation c 
WHERE c.collnamespace=(SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = 'public')
ORDER BY c.oid
