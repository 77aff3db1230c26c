// Package pgcatalog provides PostgreSQL's system catalogs (pg_catalog) and
// the information_schema views as virtual relations over nqdb's live
// catalog, so that psql's meta-commands, drivers and BI tools can
// introspect the database.
//
// # Design
//
// nqdb keeps its own catalog (executor/catalog.go: tables, columns,
// primary keys, indexes as JSON rows); PostgreSQL's catalog tables are a
// view of it, not a second copy. Each relation is described once, by the
// column list PostgreSQL 15 has (specs.go, checked against a real server
// by TestSpecsMatchPostgres), and its rows are computed when the relation
// is scanned from a Source: the tables the scanning session sees,
// including its own uncommitted DDL. Nothing is cached between scans, so a
// catalog query always reflects the live catalog, and catalog queries cost
// nothing until they run. Relations nqdb has no objects for (pg_trigger,
// pg_policy, pg_inherits, ...) exist with PostgreSQL's columns and no
// rows, so that client queries that join them succeed.
//
// Built-in objects carry PostgreSQL's own OIDs (namespace pg_catalog 11,
// public 2200, the postgres database 5, role postgres 10, type OIDs from
// sql/types, access methods heap 2 and btree 403) because clients hard-code
// some of them. User objects carry the OIDs the executor gave them. The
// executor gives primary keys no OID of their own, so a table's primary
// key index and constraint get OIDs derived from the table's (PKIndexOID,
// ConstraintOID): the executor hands out OIDs upwards from 16384 and never
// reaches the high bits these use.
//
// Tables and views also get row types in pg_type (rowtypes.go), whose
// OIDs follow from the relation's the same way (types.RowTypeOID), and
// pg_attribute lists the system columns of tables and sequences
// (sysattrs.go).
//
// Columns carry PostgreSQL's types, the catalog's own included
// (int2vector, oidvector, xid, aclitem[], "char"[], pg_node_tree: see
// sql/types/vector.go); pg_node_tree columns hold the expression's SQL
// text rather than PostgreSQL's node dump. Types nqdb lacks use the
// nearest type with the same text form: inet becomes text, regtype[]
// text[], and the information_schema domains become their base types.
package pgcatalog
