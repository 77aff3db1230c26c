package pgcatalog

import (
	"strconv"
	"strings"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// The information_schema views, computed from the same Source. Like
// PostgreSQL's, they show user objects of every schema; NOT NULL
// columns appear as CHECK constraints named nspoid_reloid_attnum_not_null.

func schemaOwner(name string) string {
	if name == "public" {
		return "pg_database_owner"
	}
	return "postgres"
}

func buildSchemata(b *builder, src Source) {
	for _, n := range namespaces {
		b.add("catalog_name", src.Database(), "schema_name", n.name, "schema_owner", schemaOwner(n.name))
	}
	for _, n := range sortedNamespaces(src) {
		b.add("catalog_name", src.Database(), "schema_name", n.Name, "schema_owner", n.Owner)
	}
}

func buildInfoTables(b *builder, src Source) {
	db := src.Database()
	ts := plainTables(src)
	for i := range ts {
		t := &ts[i]
		b.add("table_catalog", db, "table_schema", schemaOf(t), "table_name", t.Name, "table_type", "BASE TABLE",
			"is_insertable_into", "YES", "is_typed", "NO")
	}
	// Views are not updatable in nqdb yet, so none is insertable into.
	for _, v := range sortedViews(src) {
		b.add("table_catalog", db, "table_schema", orPublic(v.Schema), "table_name", v.Name, "table_type", "VIEW",
			"is_insertable_into", "NO", "is_typed", "NO")
	}
	for _, d := range defs {
		typ, ins := "BASE TABLE", "YES"
		if d.kind == 'v' {
			typ, ins = "VIEW", "NO"
		}
		b.add("table_catalog", db, "table_schema", d.schema, "table_name", d.name, "table_type", typ,
			"is_insertable_into", ins, "is_typed", "NO")
	}
}

// dataType is information_schema's data_type: the SQL name without
// modifiers, ARRAY for arrays.
func dataType(t *types.T) string {
	if t.Elem != nil {
		return "ARRAY"
	}
	if t.OID == types.OidBpchar {
		// format_type(oid, NULL), which information_schema uses, names
		// bpchar without a length "character" (with -1 it says bpchar).
		return "character"
	}
	return types.FormatType(t, -1)
}

func buildInfoColumns(b *builder, src Source) {
	db := src.Database()
	uts := userTypeSchemas(src)
	ts := plainTables(src)
	for i := range ts {
		t := &ts[i]
		for j, c := range t.Columns {
			nullable := "YES"
			if c.NotNull {
				nullable = "NO"
			}
			kv := []any{"table_catalog", db, "table_schema", schemaOf(t), "table_name", t.Name,
				"column_name", c.Name, "ordinal_position", j + 1, "is_nullable", nullable,
				"column_default", columnDefault(c),
				"data_type", dataType(c.Type), "udt_catalog", db, "udt_schema", "pg_catalog",
				"udt_name", c.Type.Name, "dtd_identifier", strconv.Itoa(j + 1), "is_self_referencing", "NO",
				"is_identity", "NO", "identity_cycle", "NO", "is_generated", "NEVER", "is_updatable", "YES"}
			if c.Identity != 0 {
				gen := "BY DEFAULT"
				if c.Identity == 'a' {
					gen = "ALWAYS"
				}
				kv = append(kv, "is_identity", "YES", "identity_generation", gen)
			}
			kv = append(kv, userTypeFacets(c, uts, db)...) // usertypes.go
			b.add(append(kv, typeFacets(c)...)...)
		}
	}
	// A view's columns are nullable and have no default; is_updatable
	// follows PostgreSQL's rule for automatically updatable views.
	for _, v := range sortedViews(src) {
		upd := viewUpdatableColumns(v)
		for j, c := range v.Columns {
			u := "NO"
			if j < len(upd) && upd[j] {
				u = "YES"
			}
			kv := []any{"table_catalog", db, "table_schema", orPublic(v.Schema), "table_name", v.Name,
				"column_name", c.Name, "ordinal_position", j + 1, "is_nullable", "YES",
				"data_type", dataType(c.Type), "udt_catalog", db, "udt_schema", "pg_catalog",
				"udt_name", c.Type.Name, "dtd_identifier", strconv.Itoa(j + 1), "is_self_referencing", "NO",
				"is_identity", "NO", "identity_cycle", "NO", "is_generated", "NEVER", "is_updatable", u}
			kv = append(kv, userTypeFacets(c, uts, db)...) // usertypes.go
			b.add(append(kv, typeFacets(c)...)...)
		}
	}
}

// columnDefault is information_schema.columns.column_default: the
// default's text, NULL for none and for identity columns (whose sequence
// is no default to PostgreSQL).
func columnDefault(c planner.Column) any {
	if c.Default == "" || c.Identity != 0 {
		return nil
	}
	return c.Default
}

// typeFacets are the length, precision and scale columns of
// information_schema.columns (PostgreSQL's _pg_char_max_length and
// friends).
func typeFacets(c planner.Column) []any {
	t, mod := c.Type, c.Typmod
	switch t.OID {
	case types.OidVarchar, types.OidBpchar:
		if mod < 0 {
			return []any{"character_octet_length", 1073741824}
		}
		n := int(mod - 4)
		return []any{"character_maximum_length", n, "character_octet_length", n * 4}
	case types.OidText:
		return []any{"character_octet_length", 1073741824}
	case types.OidInt2:
		return []any{"numeric_precision", 16, "numeric_precision_radix", 2, "numeric_scale", 0}
	case types.OidInt4:
		return []any{"numeric_precision", 32, "numeric_precision_radix", 2, "numeric_scale", 0}
	case types.OidInt8:
		return []any{"numeric_precision", 64, "numeric_precision_radix", 2, "numeric_scale", 0}
	case types.OidFloat4:
		return []any{"numeric_precision", 24, "numeric_precision_radix", 2}
	case types.OidFloat8:
		return []any{"numeric_precision", 53, "numeric_precision_radix", 2}
	case types.OidNumeric:
		if mod < 0 {
			return []any{"numeric_precision_radix", 10}
		}
		p, s := types.NumericTypmodParts(mod)
		return []any{"numeric_precision", p, "numeric_precision_radix", 10, "numeric_scale", s}
	case types.OidDate:
		return []any{"datetime_precision", 0}
	case types.OidTime, types.OidTimestamp, types.OidTimestampTZ:
		if mod < 0 {
			return []any{"datetime_precision", 6}
		}
		return []any{"datetime_precision", int(mod)}
	case types.OidInterval:
		if mod < 0 || mod&0xFFFF == 0xFFFF {
			return []any{"datetime_precision", 6}
		}
		return []any{"datetime_precision", int(mod & 0xFFFF)}
	}
	return nil
}

func notNullName(t *TableInfo, attnum int) string {
	return strconv.Itoa(NamespacePublic) + "_" + strconv.FormatUint(uint64(t.OID), 10) + "_" + strconv.Itoa(attnum) + "_not_null"
}

func buildTableConstraints(b *builder, src Source) {
	db := src.Database()
	ts := plainTables(src)
	for i := range ts {
		t := &ts[i]
		for _, ix := range indexesOf(t) {
			if !ix.Constraint {
				continue
			}
			typ := "UNIQUE"
			if isPK(t, &ix) {
				typ = "PRIMARY KEY"
			}
			b.add("constraint_catalog", db, "constraint_schema", schemaOf(t), "constraint_name", ix.Name,
				"table_catalog", db, "table_schema", schemaOf(t), "table_name", t.Name, "constraint_type", typ,
				"is_deferrable", "NO", "initially_deferred", "NO", "enforced", "YES", "nulls_distinct", "YES")
		}
		for _, c := range t.Checks {
			b.add("constraint_catalog", db, "constraint_schema", schemaOf(t), "constraint_name", c.Name,
				"table_catalog", db, "table_schema", schemaOf(t), "table_name", t.Name, "constraint_type", "CHECK",
				"is_deferrable", "NO", "initially_deferred", "NO", "enforced", "YES")
		}
		for _, f := range t.ForeignKeys {
			b.add("constraint_catalog", db, "constraint_schema", schemaOf(t), "constraint_name", f.Name,
				"table_catalog", db, "table_schema", schemaOf(t), "table_name", t.Name, "constraint_type", "FOREIGN KEY",
				"is_deferrable", "NO", "initially_deferred", "NO", "enforced", "YES")
		}
		for j, c := range t.Columns {
			if c.NotNull {
				b.add("constraint_catalog", db, "constraint_schema", schemaOf(t), "constraint_name", notNullName(t, j+1),
					"table_catalog", db, "table_schema", schemaOf(t), "table_name", t.Name, "constraint_type", "CHECK",
					"is_deferrable", "NO", "initially_deferred", "NO", "enforced", "YES")
			}
		}
	}
}

func buildCheckConstraints(b *builder, src Source) {
	db := src.Database()
	ts := plainTables(src)
	for i := range ts {
		t := &ts[i]
		for _, c := range t.Checks {
			// information_schema takes pg_get_constraintdef's text after
			// "CHECK ".
			b.add("constraint_catalog", db, "constraint_schema", schemaOf(t), "constraint_name", c.Name,
				"check_clause", strings.TrimPrefix(c.Def, "CHECK "))
		}
		for j, c := range t.Columns {
			if c.NotNull {
				b.add("constraint_catalog", db, "constraint_schema", schemaOf(t), "constraint_name", notNullName(t, j+1),
					"check_clause", c.Name+" IS NOT NULL")
			}
		}
	}
}

func buildReferentialConstraints(b *builder, src Source) {
	db := src.Database()
	ts := plainTables(src)
	rule := func(a byte) string {
		switch a {
		case 'r':
			return "RESTRICT"
		case 'c':
			return "CASCADE"
		case 'n':
			return "SET NULL"
		case 'd':
			return "SET DEFAULT"
		}
		return "NO ACTION"
	}
	for i := range ts {
		t := &ts[i]
		for _, f := range t.ForeignKeys {
			match := "NONE"
			if f.Match == 'f' {
				match = "FULL"
			}
			b.add("constraint_catalog", db, "constraint_schema", schemaOf(t), "constraint_name", f.Name,
				"unique_constraint_catalog", db, "unique_constraint_schema", "public",
				"unique_constraint_name", f.RefConstraint, "match_option", match,
				"update_rule", rule(f.OnUpdate), "delete_rule", rule(f.OnDelete))
		}
	}
}

func buildKeyColumnUsage(b *builder, src Source) {
	db := src.Database()
	ts := plainTables(src)
	for i := range ts {
		t := &ts[i]
		for _, ix := range indexesOf(t) {
			if !ix.Constraint {
				continue
			}
			for k, col := range ix.Cols {
				b.add("constraint_catalog", db, "constraint_schema", schemaOf(t), "constraint_name", ix.Name,
					"table_catalog", db, "table_schema", schemaOf(t), "table_name", t.Name,
					"column_name", t.Columns[col].Name, "ordinal_position", k+1)
			}
		}
		for _, f := range t.ForeignKeys {
			ref := findTable(ts, f.RefOID)
			for k, col := range f.Cols {
				pos := k + 1
				if ref != nil {
					// The referenced column's place in the unique key.
					for _, ix := range indexesOf(ref) {
						if ix.OID == f.RefIndexOID {
							for m, c := range ix.Cols {
								if c == f.RefCols[k] {
									pos = m + 1
								}
							}
						}
					}
				}
				b.add("constraint_catalog", db, "constraint_schema", schemaOf(t), "constraint_name", f.Name,
					"table_catalog", db, "table_schema", schemaOf(t), "table_name", t.Name,
					"column_name", t.Columns[col].Name, "ordinal_position", k+1, "position_in_unique_constraint", pos)
			}
		}
	}
}

func buildConstraintColumnUsage(b *builder, src Source) {
	db := src.Database()
	ts := plainTables(src)
	for i := range ts {
		t := &ts[i]
		for _, ix := range indexesOf(t) {
			if !ix.Constraint {
				continue
			}
			for _, col := range ix.Cols {
				b.add("table_catalog", db, "table_schema", schemaOf(t), "table_name", t.Name,
					"column_name", t.Columns[col].Name, "constraint_catalog", db,
					"constraint_schema", schemaOf(t), "constraint_name", ix.Name)
			}
		}
		for _, c := range t.Checks {
			for _, col := range c.Cols {
				b.add("table_catalog", db, "table_schema", schemaOf(t), "table_name", t.Name,
					"column_name", t.Columns[col].Name, "constraint_catalog", db,
					"constraint_schema", schemaOf(t), "constraint_name", c.Name)
			}
		}
		// A foreign key uses the referenced table's columns.
		for _, f := range t.ForeignKeys {
			ref := findTable(ts, f.RefOID)
			if ref == nil {
				continue
			}
			for _, col := range f.RefCols {
				b.add("table_catalog", db, "table_schema", schemaOf(ref), "table_name", ref.Name,
					"column_name", ref.Columns[col].Name, "constraint_catalog", db,
					"constraint_schema", schemaOf(t), "constraint_name", f.Name)
			}
		}
	}
}

func findTable(ts []TableInfo, oid uint32) *TableInfo {
	for i := range ts {
		if ts[i].OID == oid {
			return &ts[i]
		}
	}
	return nil
}
