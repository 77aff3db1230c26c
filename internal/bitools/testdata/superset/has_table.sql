-- source: sqlalchemy/sqlalchemy lib/sqlalchemy/dialects/postgresql/base.py (tag rel_1_4_46, the Debian python3-sqlalchemy 1.4.46 Superset runs on); Superset reflects through this inspector
-- what: has_table without a schema, :name = 'customers'
select relname from pg_class c join pg_namespace n on n.oid=c.relnamespace where pg_catalog.pg_table_is_visible(c.oid) and relname='customers'
