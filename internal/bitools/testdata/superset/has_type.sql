-- source: sqlalchemy/sqlalchemy lib/sqlalchemy/dialects/postgresql/base.py (tag rel_1_4_46, the Debian python3-sqlalchemy 1.4.46 Superset runs on); Superset reflects through this inspector
-- what: has_type without a schema, :typname = 'customers' (a table's row type)

            SELECT EXISTS (
                SELECT * FROM pg_catalog.pg_type t
                WHERE t.typname = 'customers'
                AND pg_type_is_visible(t.oid)
                )
                
