-- source: dbeaver/dbeaver plugins/org.jkiss.dbeaver.ext.postgresql/src/org/jkiss/dbeaver/ext/postgresql/model/PostgreSchema.java (current master, 2025: TableCache with the partition columns)
-- what: collectObjectStatistics for schema sales; ? = the schema's oid, written as a subquery on its name
-- ignore: total_rel_size, rel_size (storage-specific)
select c.oid,pg_catalog.pg_total_relation_size(c.oid) as total_rel_size,pg_catalog.pg_relation_size(c.oid) as rel_size FROM pg_class c WHERE c.relnamespace=(SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = 'sales')
