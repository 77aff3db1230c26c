-- source: sqlalchemy/sqlalchemy lib/sqlalchemy/dialects/postgresql/base.py (tag rel_1_4_46, the Debian python3-sqlalchemy 1.4.46 Superset runs on); Superset reflects through this inspector
-- what: get_table_comment, :table_oid = 'sales.orders'::regclass::oid

            SELECT
                pgd.description as table_comment
            FROM
                pg_catalog.pg_description pgd
            WHERE
                pgd.objsubid = 0 AND
                pgd.objoid = 'sales.orders'::regclass::oid
        
