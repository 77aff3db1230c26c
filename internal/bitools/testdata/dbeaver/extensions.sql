-- source: dbeaver/dbeaver plugins/org.jkiss.dbeaver.ext.postgresql/src/org/jkiss/dbeaver/ext/postgresql/model/PostgreSchema.java (commit 89f7317dd38d0f175bb6dde62387ea49dd508375)
-- what: ExtensionCache for schema public (none there: checks pg_extension's columns); ? = the schema's oid
SELECT e.oid,e.* FROM pg_catalog.pg_extension e 
WHERE e.extnamespace=(SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = 'public')
ORDER BY e.oid
