package executor

import (
	"github.com/neuroquantumdb/nqdb/executor/pgcatalog"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// Relation and database sizes (pg_relation_size and friends). A table is
// its B+tree (clustered on the primary key, so a primary key "index" has
// no pages of its own) and each secondary index is a tree of its own; the
// sizes are their node pages as storage.Engine.TreeBytes counts them.

// RelationBytes implements eval.SizeEnv: the size in bytes of relation
// oid as fn (pg_relation_size, pg_table_size, pg_indexes_size or
// pg_total_relation_size) reports it; ok is false when no relation has
// that OID (the functions return NULL then).
func (s *Session) RelationBytes(oid uint32, fn string) (int64, bool, error) {
	for _, t := range s.visibleRelations() {
		if t.oid == oid {
			return s.tableBytes(t, fn)
		}
		for _, ix := range t.indexes {
			if ix.oid == oid {
				if fn == "pg_indexes_size" {
					return 0, true, nil
				}
				n, err := s.engine.store.TreeBytes(ix.tree)
				return n, true, storageError(err)
			}
		}
		if t.pkName != "" && pgcatalog.PKIndexOID(t.oid) == oid {
			// The table is clustered on its primary key: the index's
			// pages are the table's.
			return 0, true, nil
		}
	}
	return 0, false, nil
}

func (s *Session) tableBytes(t *tableDef, fn string) (int64, bool, error) {
	if t.seq != nil || t.view != nil {
		return 0, true, nil
	}
	var n int64
	if fn != "pg_indexes_size" {
		b, err := s.engine.store.TreeBytes(t.tree)
		if err != nil {
			return 0, true, storageError(err)
		}
		n += b
	}
	if fn == "pg_indexes_size" || fn == "pg_total_relation_size" {
		for _, ix := range t.indexes {
			b, err := s.engine.store.TreeBytes(ix.tree)
			if err != nil {
				return 0, true, storageError(err)
			}
			n += b
		}
	}
	return n, true, nil
}

// DatabaseBytes implements eval.SizeEnv: pg_database_size of the database
// named name (or with OID oid when name is empty). nqdb serves one
// database, whose size is the data file's.
func (s *Session) DatabaseBytes(name string, oid uint32) (int64, error) {
	if (name != "" && name != s.cfg.Database) || (name == "" && oid != pgcatalog.DatabaseOID) {
		if name == "" {
			return 0, pgerror.New(pgerror.InvalidCatalogName, "database with OID %d does not exist", oid)
		}
		return 0, pgerror.New(pgerror.InvalidCatalogName, "database \"%s\" does not exist", name)
	}
	return s.engine.store.DataBytes(), nil
}
