package difffuzz

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Cat is the category an expression is generated for: the operators and
// functions that accept it and the literals that stand for it.
type Cat uint8

// The categories. CInt covers int2, int4 and int8; CText covers text and
// varchar.
const (
	CInt Cat = iota
	CNum
	CFloat
	CText
	CBool
	CDate
	CTS
	nCats
)

var catNames = [...]string{"int", "numeric", "float8", "text", "bool", "date", "timestamp"}

// String names the category.
func (c Cat) String() string { return catNames[c] }

// Column is one column of a generated table.
type Column struct {
	Name string
	Type string // SQL type as written in CREATE TABLE
	Cat  Cat
}

// Table is a generated table with its rows as SQL literals ("NULL" for
// NULL).
type Table struct {
	Name    string
	Cols    []Column
	PK      int     // index of the primary key column, -1 for none
	Indexes [][]int // secondary indexes (column positions)
	Rows    [][]string
}

// Schema is a set of tables.
type Schema struct {
	Tables []*Table
}

// colTypes are the column types and their categories; the weights favour
// the integer types joins and grouping meet most.
var colTypes = []Column{
	{Type: "int4", Cat: CInt}, {Type: "int4", Cat: CInt}, {Type: "int8", Cat: CInt}, {Type: "int2", Cat: CInt},
	{Type: "numeric", Cat: CNum}, {Type: "numeric(10,2)", Cat: CNum},
	{Type: "float8", Cat: CFloat},
	{Type: "text", Cat: CText}, {Type: "varchar(8)", Cat: CText},
	{Type: "bool", Cat: CBool},
	{Type: "date", Cat: CDate}, {Type: "timestamp", Cat: CTS},
}

// GenSchema makes 2-4 tables of 2-5 columns and 0-25 rows.
func (g *Gen) GenSchema() *Schema {
	s := &Schema{}
	n := 2 + g.r.IntN(3)
	for i := range n {
		t := &Table{Name: fmt.Sprintf("t%d", i), PK: -1}
		nc := 2 + g.r.IntN(4)
		for j := range nc {
			c := colTypes[g.r.IntN(len(colTypes))]
			c.Name = fmt.Sprintf("c%d", j)
			t.Cols = append(t.Cols, c)
		}
		if g.r.IntN(3) == 0 && (t.Cols[0].Cat == CInt || t.Cols[0].Cat == CText) {
			t.PK = 0
		}
		if g.r.IntN(3) == 0 {
			a := g.r.IntN(nc)
			idx := []int{a}
			if b := g.r.IntN(nc); b != a && g.r.IntN(2) == 0 {
				idx = append(idx, b)
			}
			t.Indexes = append(t.Indexes, idx)
		}
		rows := g.r.IntN(26)
		if g.r.IntN(8) == 0 {
			rows = g.r.IntN(3)
		}
		used := map[string]bool{}
		for range rows {
			row := make([]string, nc)
			for j, c := range t.Cols {
				if j == t.PK {
					for k := 0; ; k++ {
						v := g.value(c)
						if v == "NULL" {
							continue
						}
						if used[v] && k > 20 {
							// Small pools run out: make it unique.
							v = uniqueValue(c, len(used))
						}
						if !used[v] {
							used[v] = true
							row[j] = v
							break
						}
					}
					continue
				}
				row[j] = g.value(c)
			}
			t.Rows = append(t.Rows, row)
		}
		s.Tables = append(s.Tables, t)
	}
	return s
}

func uniqueValue(c Column, n int) string {
	if c.Cat == CText {
		return fmt.Sprintf("'u%d'", n)
	}
	return strconv.Itoa(1000 + n)
}

// value draws a literal for a column: NULL about one time in seven, else
// from a small pool so that equal values are common.
func (g *Gen) value(c Column) string {
	if g.r.IntN(7) == 0 {
		return "NULL"
	}
	return g.literal(c.Cat, c.Type == "int2")
}

var textPool = []string{"", "a", "b", "A", "ab", "ba", "abc", "a%", "_b", " a", "a ", "xyz", "Ab", "aB", "bb", "a_c", "10", "-1"}

// literal returns a constant of category c as SQL text. small keeps
// integers in int2 range.
func (g *Gen) literal(c Cat, small bool) string {
	r := g.r
	switch c {
	case CInt:
		switch r.IntN(10) {
		case 0:
			if small {
				return strconv.Itoa(r.IntN(200) - 100)
			}
			return strconv.Itoa(r.IntN(2000000) - 1000000)
		case 1:
			return "0"
		default:
			return strconv.Itoa(r.IntN(13) - 3)
		}
	case CNum:
		pool := []string{"0", "1", "-1", "2.5", "-2.5", "1.25", "3.125", "0.1", "10", "100.75", "-0.5", "7"}
		return pool[r.IntN(len(pool))]
	case CFloat:
		pool := []string{"0", "1", "-1", "0.5", "2.5", "-3.75", "0.1", "100", "1e10", "-0.25", "3", "1.5"}
		return pool[r.IntN(len(pool))]
	case CText:
		return quote(textPool[r.IntN(len(textPool))])
	case CBool:
		if r.IntN(2) == 0 {
			return "true"
		}
		return "false"
	case CDate:
		return "'" + g.date() + "'"
	case CTS:
		return fmt.Sprintf("'%s %02d:%02d:%02d'", g.date(), r.IntN(24), []int{0, 30, 59}[r.IntN(3)], r.IntN(2)*30)
	}
	panic("difffuzz: unknown category")
}

func (g *Gen) date() string {
	// A few years around 2020, with month and year ends.
	y := 2019 + g.r.IntN(3)
	m := 1 + g.r.IntN(12)
	d := []int{1, 15, 28}[g.r.IntN(3)]
	if g.r.IntN(5) == 0 {
		m, d = 12, 31
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// DropSQL drops the schema's tables (those that exist).
func (s *Schema) DropSQL() string {
	var b strings.Builder
	for _, t := range s.Tables {
		fmt.Fprintf(&b, "DROP TABLE IF EXISTS %s;\n", t.Name)
	}
	return b.String()
}

// CreateSQL returns the statements that create the tables, their indexes
// and rows, one statement per line.
func (s *Schema) CreateSQL() string {
	var b strings.Builder
	for _, t := range s.Tables {
		t.writeCreate(&b)
	}
	return b.String()
}

func (t *Table) writeCreate(b *strings.Builder) {
	fmt.Fprintf(b, "CREATE TABLE %s (", t.Name)
	for j, c := range t.Cols {
		if j > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.Name + " " + c.Type)
		if j == t.PK {
			b.WriteString(" PRIMARY KEY")
		}
	}
	b.WriteString(");\n")
	for k, idx := range t.Indexes {
		fmt.Fprintf(b, "CREATE INDEX %s_i%d ON %s (", t.Name, k, t.Name)
		for i, j := range idx {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(t.Cols[j].Name)
		}
		b.WriteString(");\n")
	}
	if len(t.Rows) == 0 {
		return
	}
	fmt.Fprintf(b, "INSERT INTO %s VALUES ", t.Name)
	for i, row := range t.Rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(" + strings.Join(row, ", ") + ")")
	}
	b.WriteString(";\n")
}

// Gen generates schemas and queries from a seeded random source.
type Gen struct {
	r      *rand.Rand
	schema *Schema
	alias  int // next alias number, so that nested scopes never clash
}

// NewGen returns a generator seeded with seed.
func NewGen(seed uint64) *Gen {
	return &Gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}
