-- source: DBeaver's PostgreSQL navigator as captured from its traffic in other projects' DBeaver tests (the text was not located in dbeaver/dbeaver's stored source; unverified)
-- what: the navigator's role list
SELECT a.oid,a.* FROM pg_catalog.pg_roles a
ORDER BY a.rolname
