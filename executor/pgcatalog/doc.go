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
// PostgreSQL's built-in rows of pg_proc, pg_operator, pg_cast,
// pg_aggregate, pg_opclass, pg_opfamily, pg_amop, pg_amproc,
// pg_conversion and their pg_description texts come from PostgreSQL 15's
// own catalogs: gen_pgdata.go (go generate) reads a throwaway cluster and
// writes the pgdata_*.go tables, one struct literal per row. builtins.go
// lists the ones nqdb has, under PostgreSQL's OIDs: each function of
// nqdb's registry that PostgreSQL has with the same name and argument
// types (the others are numbered from procOIDBase), the operators the
// planner binds for the row's operand types with its result type, the
// casts sql/types performs, the aggregates and window functions nqdb
// computes, the btree and hash classes of nqdb's types, and the support
// functions those rows name. regproc, regprocedure, regoper and
// regoperator read and print through the same tables
// (types.SetRegprocResolver), and pg_get_functiondef and friends print
// PostgreSQL's texts for built-ins (builtins_text.go). The rows never
// change, so each relation's are built once and copied per scan.
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
