-- source: DBeaver's PostgreSQL navigator as captured from its traffic in other projects' DBeaver tests (the text was not located in dbeaver/dbeaver's stored source; unverified)
-- what: the connected database's row; ? = the database name, written current_database()
-- ignore: datfrozenxid, datminmxid, datcollversion (storage- and build-specific)
SELECT db.oid,db.* FROM pg_catalog.pg_database db WHERE datname=current_database()
