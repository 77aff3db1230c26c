-- source: sqlalchemy/sqlalchemy lib/sqlalchemy/dialects/postgresql/base.py (tag rel_1_4_46, the Debian python3-sqlalchemy 1.4.46 Superset runs on); Superset reflects through this inspector
-- what: get_pk_constraint's PK_SQL (server >= 8.4), :table_oid = sales.order_lines' oid, written 'sales.order_lines'::regclass::oid (two-column key)

                SELECT a.attname
                FROM pg_attribute a JOIN (
                    SELECT unnest(ix.indkey) attnum,
                           generate_subscripts(ix.indkey, 1) ord
                    FROM pg_index ix
                    WHERE ix.indrelid = 'sales.order_lines'::regclass::oid AND ix.indisprimary
                    ) k ON a.attnum=k.attnum
                WHERE a.attrelid = 'sales.order_lines'::regclass::oid
                ORDER BY k.ord
            
