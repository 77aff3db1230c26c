-- source: sqlalchemy/sqlalchemy lib/sqlalchemy/dialects/postgresql/base.py (tag rel_1_4_46, the Debian python3-sqlalchemy 1.4.46 Superset runs on); Superset reflects through this inspector
-- what: get_pk_constraint's PK_CONS_SQL, :table_oid = 'sales.orders'::regclass::oid

        SELECT conname
           FROM  pg_catalog.pg_constraint r
           WHERE r.conrelid = 'sales.orders'::regclass::oid AND r.contype = 'p'
           ORDER BY 1
        
