package pgcatalog

import (
	"github.com/neuroquantumdb/nqdb/executor/eval"
)

// FindIndex finds the index with pg_class OID oid among tables (primary
// key indexes included).
func FindIndex(tables []TableInfo, oid uint32) (*TableInfo, *IndexInfo) {
	for i := range tables {
		t := &tables[i]
		for _, ix := range indexesOf(t) {
			if ix.OID == oid {
				return t, &ix
			}
		}
	}
	return nil, nil
}

// FindConstraint finds the constraint with pg_constraint OID oid: it is
// backed by the index it returns.
func FindConstraint(tables []TableInfo, oid uint32) (*TableInfo, *IndexInfo) {
	for i := range tables {
		t := &tables[i]
		for _, ix := range indexesOf(t) {
			if ix.Constraint && ConstraintOID(ix.OID) == oid {
				return t, &ix
			}
		}
	}
	return nil, nil
}

// IndexDef is pg_get_indexdef(index, column, pretty): the CREATE INDEX
// statement (column 0) or the name of key column column (1-based).
func IndexDef(t *TableInfo, ix *IndexInfo, column int) string {
	if column > 0 {
		if column > len(ix.Cols) {
			return ""
		}
		return eval.QuoteIdent(t.Columns[ix.Cols[column-1]].Name)
	}
	buf := []byte("CREATE ")
	if ix.Unique {
		buf = append(buf, "UNIQUE "...)
	}
	buf = append(buf, "INDEX "...)
	buf = append(buf, eval.QuoteIdent(ix.Name)...)
	buf = append(buf, " ON "...)
	buf = append(buf, eval.QuoteIdent(schemaOf(t))...)
	buf = append(buf, '.')
	buf = append(buf, eval.QuoteIdent(t.Name)...)
	buf = append(buf, " USING btree ("...)
	buf = appendCols(buf, t, ix, true)
	return string(append(buf, ')'))
}

func appendCols(buf []byte, t *TableInfo, ix *IndexInfo, withDesc bool) []byte {
	for i, c := range ix.Cols {
		if i > 0 {
			buf = append(buf, ", "...)
		}
		buf = append(buf, eval.QuoteIdent(t.Columns[c].Name)...)
		if withDesc && ix.Desc != nil && ix.Desc[i] {
			buf = append(buf, " DESC"...)
		}
	}
	return buf
}

// ConstraintDef is pg_get_constraintdef: "PRIMARY KEY (a, b)" or
// "UNIQUE (a)".
func ConstraintDef(t *TableInfo, ix *IndexInfo) string {
	var buf []byte
	if isPK(t, ix) {
		buf = append(buf, "PRIMARY KEY ("...)
	} else {
		buf = append(buf, "UNIQUE ("...)
	}
	buf = appendCols(buf, t, ix, false)
	return string(append(buf, ')'))
}

// RelationByOID returns the name and schema of relation oid: a user table
// or index, or a catalog relation; ok false if there is none.
func RelationByOID(tables []TableInfo, oid uint32) (schema, name string, ok bool) {
	if d := byOID[oid]; d != nil {
		return d.schema, d.name, true
	}
	for i := range tables {
		t := &tables[i]
		if t.OID == oid {
			return schemaOf(t), t.Name, true
		}
		for _, ix := range indexesOf(t) {
			if ix.OID == oid {
				return schemaOf(t), ix.Name, true
			}
		}
	}
	return "", "", false
}

// RelationByName returns the OID of relation schema.name (schema "" =
// the search path: pg_catalog, then public), counting indexes.
func RelationByName(tables []TableInfo, schema, name string) (uint32, bool) {
	if schema == "" || IsCatalogSchema(schema) {
		s := schema
		if s == "" {
			s = "pg_catalog"
		}
		if d := byName[s+"."+name]; d != nil {
			return d.oid, true
		}
		if schema != "" {
			return 0, false
		}
	}
	for i := range tables {
		t := &tables[i]
		if schema != "" && schema != schemaOf(t) {
			continue
		}
		if t.Name == name {
			return t.OID, true
		}
		for _, ix := range indexesOf(t) {
			if ix.Name == name {
				return ix.OID, true
			}
		}
	}
	return 0, false
}
