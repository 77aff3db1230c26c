-- source: sqlalchemy/sqlalchemy lib/sqlalchemy/dialects/postgresql/base.py (tag rel_1_4_46, the Debian python3-sqlalchemy 1.4.46 Superset runs on); Superset reflects through this inspector
-- what: get_unique_constraints, :table_oid = public.customers' oid, written 'customers'::regclass::oid

            SELECT
                cons.conname as name,
                cons.conkey as key,
                a.attnum as col_num,
                a.attname as col_name
            FROM
                pg_catalog.pg_constraint cons
                join pg_attribute a
                  on cons.conrelid = a.attrelid AND
                    a.attnum = ANY(cons.conkey)
            WHERE
                cons.conrelid = 'customers'::regclass::oid AND
                cons.contype = 'u'
        
