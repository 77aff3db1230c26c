-- source: dbeaver/dbeaver plugins/org.jkiss.dbeaver.ext.postgresql/src/org/jkiss/dbeaver/ext/postgresql/model/PostgreSchema.java (commit 89f7317dd38d0f175bb6dde62387ea49dd508375)
-- what: ConstraintCache for schema sales; ? = the schema's oid, written as a subquery on its name
-- unordered: ORDER BY c.oid, and OIDs differ between servers
SELECT c.oid,c.*,t.relname as tabrelname,rt.relnamespace as refnamespace
FROM pg_catalog.pg_constraint c
INNER JOIN pg_catalog.pg_class t ON t.oid=c.conrelid
LEFT OUTER JOIN pg_catalog.pg_class rt ON rt.oid=c.confrelid
WHERE t.relnamespace=(SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = 'sales')
ORDER BY c.oid
