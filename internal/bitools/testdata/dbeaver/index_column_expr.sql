-- source: dbeaver/dbeaver plugins/org.jkiss.dbeaver.ext.postgresql/src/org/jkiss/dbeaver/ext/postgresql/model/PostgreSchema.java (commit 89f7317dd38d0f175bb6dde62387ea49dd508375)
-- what: IndexCache.fetchObjectRow's column text; ? = orders_customer_placed_idx's oid, written as a regclass, ?2 = 2
select pg_catalog.pg_get_indexdef('sales.orders_customer_placed_idx'::regclass::oid, 2, true)
