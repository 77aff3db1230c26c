package pgcatalog

import (
	"strconv"

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
}

func buildInfoTables(b *builder, src Source) {
	db := src.Database()
	ts := sortedTables(src)
	for i := range ts {
		t := &ts[i]
		b.add("table_catalog", db, "table_schema", schemaOf(t), "table_name", t.Name, "table_type", "BASE TABLE",
			"is_insertable_into", "YES", "is_typed", "NO")
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
	return types.FormatType(t, -1)
}

func buildInfoColumns(b *builder, src Source) {
	db := src.Database()
	ts := sortedTables(src)
	for i := range ts {
		t := &ts[i]
		for j, c := range t.Columns {
			nullable := "YES"
			if c.NotNull {
				nullable = "NO"
			}
			kv := []any{"table_catalog", db, "table_schema", schemaOf(t), "table_name", t.Name,
				"column_name", c.Name, "ordinal_position", j + 1, "is_nullable", nullable,
				"data_type", dataType(c.Type), "udt_catalog", db, "udt_schema", "pg_catalog",
				"udt_name", c.Type.Name, "dtd_identifier", strconv.Itoa(j + 1), "is_self_referencing", "NO",
				"is_identity", "NO", "identity_cycle", "NO", "is_generated", "NEVER", "is_updatable", "YES"}
			b.add(append(kv, typeFacets(c)...)...)
		}
	}
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
	ts := sortedTables(src)
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
	ts := sortedTables(src)
	for i := range ts {
		t := &ts[i]
		for j, c := range t.Columns {
			if c.NotNull {
				b.add("constraint_catalog", db, "constraint_schema", schemaOf(t), "constraint_name", notNullName(t, j+1),
					"check_clause", c.Name+" IS NOT NULL")
			}
		}
	}
}

func buildKeyColumnUsage(b *builder, src Source) {
	db := src.Database()
	ts := sortedTables(src)
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
	}
}

func buildConstraintColumnUsage(b *builder, src Source) {
	db := src.Database()
	ts := sortedTables(src)
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
	}
}
