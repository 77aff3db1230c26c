package parser

import (
	"unicode/utf8"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// Writable CTEs. TiDB's grammar knows WITH only before SELECT, UPDATE and
// DELETE, and only with queries as its items; PostgreSQL also allows
// INSERT / UPDATE / DELETE items (`WITH d AS (DELETE ... RETURNING *)
// SELECT * FROM d`), INSERT as the main statement, and [NOT] MATERIALIZED.
// When a top-level WITH uses any of these, splitWith takes the whole clause
// off the statement: every item's body is parsed as a statement of its own
// (WithItem.Stmt) and the main statement is parsed without the clause, the
// planner binding the items (planner/wcte.go). Otherwise the clause stays
// for TiDB, as before.
//
// Item statements share the enclosing statement's Text and Offset: their
// tokens come from the same query string, so Statement.Position maps
// their rewritten offsets straight into the statement's text.

// With is a top-level WITH clause taken off a statement by the parser.
type With struct {
	// Recursive is WITH RECURSIVE.
	Recursive bool
	// Items are the WITH items in order.
	Items []*WithItem
}

// WithItem is one item of a With.
type WithItem struct {
	// Name is the item's name (folded as identifiers are).
	Name string
	// NamePos is where the name starts in the enclosing Statement.Text
	// (1-based characters).
	NamePos int
	// Cols is the optional column name list.
	Cols []string
	// Materialized is "materialized", "not materialized" or "".
	Materialized string
	// Stmt is the item's body: a query, or INSERT / UPDATE / DELETE with
	// its own Returning, OnConflict and From. Its Text and Offset are the
	// enclosing statement's.
	Stmt *Statement
}

// IsDML reports whether the item is a data-modifying statement.
func (it *WithItem) IsDML() bool {
	switch it.Stmt.AST.(type) {
	case *ast.InsertStmt, *ast.UpdateStmt, *ast.DeleteStmt:
		return true
	}
	return false
}

func isDMLStart(w string) bool { return w == "insert" || w == "update" || w == "delete" }

// withItem is an item found by scanWith: token indexes of its name, and of
// the parentheses around its body.
type withItem struct {
	name         int
	cols         []string
	materialized string
	open, close  int
}

// scanWith reads the WITH clause starting at toks[at] (the WITH token); it
// returns the items and the index of the first token after the clause, or
// ok false when the tokens are not a WITH list (left to the grammar).
func scanWith(toks []token, at int) (recursive bool, items []withItem, next int, ok bool) {
	i := at + 1
	if i < len(toks) && toks[i].is("recursive") {
		recursive = true
		i++
	}
	for {
		if i >= len(toks) || (toks[i].kind != tkIdent && toks[i].kind != tkQIdent) {
			return false, nil, 0, false
		}
		it := withItem{name: i}
		i++
		if i < len(toks) && toks[i].isSelf('(') {
			i++
			for {
				if i+1 >= len(toks) || (toks[i].kind != tkIdent && toks[i].kind != tkQIdent) {
					return false, nil, 0, false
				}
				it.cols = append(it.cols, toks[i].val)
				i++
				if toks[i].isSelf(')') {
					i++
					break
				}
				if !toks[i].isSelf(',') {
					return false, nil, 0, false
				}
				i++
			}
		}
		if i >= len(toks) || !toks[i].is("as") {
			return false, nil, 0, false
		}
		i++
		if i < len(toks) && toks[i].is("materialized") {
			it.materialized = "materialized"
			i++
		} else if i+1 < len(toks) && toks[i].is("not") && toks[i+1].is("materialized") {
			it.materialized = "not materialized"
			i += 2
		}
		if i >= len(toks) || !toks[i].isSelf('(') {
			return false, nil, 0, false
		}
		it.open = i
		depth := 0
		for ; i < len(toks); i++ {
			if toks[i].isSelf('(') {
				depth++
			} else if toks[i].isSelf(')') {
				depth--
				if depth == 0 {
					break
				}
			}
		}
		if i >= len(toks) {
			return false, nil, 0, false
		}
		it.close = i
		items = append(items, it)
		i++
		if i < len(toks) && toks[i].isSelf(',') {
			i++
			continue
		}
		return recursive, items, i, true
	}
}

// splitWith handles a statement that starts with WITH (see the comment at
// the top of this file). It reports whether it parsed the statement; when
// it did not, the caller goes on as usual.
func splitWith(src string, toks []token, term *token, st *Statement) (bool, error) {
	recursive, items, next, ok := scanWith(toks, 0)
	if !ok {
		return false, nil
	}
	split := next < len(toks) && isDMLStart(toks[next].val) && toks[next].kind == tkIdent
	for _, it := range items {
		if it.materialized != "" || (it.open+1 < it.close && toks[it.open+1].kind == tkIdent && isDMLStart(toks[it.open+1].val)) {
			split = true
		}
	}
	if !split {
		return false, nil
	}
	w := &With{Recursive: recursive}
	for _, it := range items {
		body := toks[it.open+1 : it.close]
		closeTok := toks[it.close]
		if len(body) == 0 {
			return true, syntaxErrorAt(src, &closeTok)
		}
		// inWith: a WITH at the start of the body is not the top level.
		sub := &Statement{Text: st.Text, Offset: st.Offset, NumParams: st.NumParams, inWith: true}
		if err := rewriteAndParse(src, body, &closeTok, sub); err != nil {
			return true, err
		}
		w.Items = append(w.Items, &WithItem{
			Name:         toks[it.name].val,
			NamePos:      utf8.RuneCountInString(src[st.Offset:toks[it.name].pos]) + 1,
			Cols:         it.cols,
			Materialized: it.materialized,
			Stmt:         sub,
		})
	}
	main := toks[next:]
	if len(main) == 0 {
		if term != nil {
			return true, syntaxErrorAt(src, term)
		}
		return true, syntaxErrorAt(src, &token{kind: tkEOF})
	}
	if main[0].is("with") {
		return true, syntaxErrorAt(src, &main[0])
	}
	if err := rewriteAndParse(src, main, term, st); err != nil {
		return true, err
	}
	st.With = w
	return true, nil
}

// checkNestedDML raises PostgreSQL's error for a WITH below the top level
// that has a data-modifying item, at the item's name.
func checkNestedDML(src string, toks []token) error {
	for i := range toks {
		if !toks[i].is("with") {
			continue
		}
		_, items, _, ok := scanWith(toks, i)
		if !ok {
			continue
		}
		for _, it := range items {
			if b := &toks[it.open+1]; it.open+1 < it.close && b.kind == tkIdent && isDMLStart(b.val) {
				return pgerror.New(pgerror.FeatureNotSupported, "WITH clause containing a data-modifying statement must be at the top level").
					WithPosition(charPos(src, toks[it.name].pos))
			}
		}
	}
	return nil
}
