package parser

import (
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// OnConflict is INSERT's ON CONFLICT clause (TiDB's grammar has only
// MySQL's ON DUPLICATE KEY UPDATE).
type OnConflict struct {
	// Columns is the inference specification (ON CONFLICT (a, b)), or
	// Constraint the constraint named by ON CONFLICT ON CONSTRAINT c;
	// both empty when no target is given.
	Columns    []string
	Constraint string
	// Update is DO UPDATE SET ... [WHERE ...], parsed as `UPDATE excluded
	// SET ... [WHERE ...]` (nil for DO NOTHING).
	Update *Statement
}

// onConflictPrefix is put before DO UPDATE's SET list to parse it.
const onConflictPrefix = "UPDATE excluded "

// stripOnConflict takes INSERT's ON CONFLICT clause off the tokens (after
// RETURNING was taken) and records it in st.OnConflict.
func stripOnConflict(r *rewriter, st *Statement) error {
	toks := r.toks
	if len(toks) == 0 || !toks[0].is("insert") {
		return nil
	}
	depth := 0
	for i := range toks {
		switch {
		case toks[i].isSelf('('):
			depth++
		case toks[i].isSelf(')'):
			depth--
		case depth == 0 && toks[i].is("on") && i+1 < len(toks) && toks[i+1].is("conflict"):
			oc, err := parseOnConflict(r, i+2, &toks[i])
			if err != nil {
				return err
			}
			st.OnConflict = oc
			r.toks = toks[:i]
			return nil
		}
	}
	return nil
}

// parseOnConflict parses the clause from token j (after ON CONFLICT, whose
// ON is start).
func parseOnConflict(r *rewriter, j int, start *token) (*OnConflict, error) {
	toks := r.toks
	at := func(k int) *token {
		if k < len(toks) {
			return &toks[k]
		}
		return &token{kind: tkEOF, pos: len(r.src), end: len(r.src)}
	}
	oc := &OnConflict{}
	switch {
	case at(j).isSelf('('):
		j++
		for {
			t := at(j)
			if t.kind != tkIdent && t.kind != tkQIdent {
				if t.isSelf('(') {
					return nil, pgerror.New(pgerror.FeatureNotSupported, "ON CONFLICT over expressions is not supported yet").
						WithPosition(charPos(r.src, t.pos))
				}
				return nil, syntaxErrorAt(r.src, t)
			}
			oc.Columns = append(oc.Columns, t.val)
			j++
			if at(j).isSelf(')') {
				j++
				break
			}
			if !at(j).isSelf(',') {
				return nil, syntaxErrorAt(r.src, at(j))
			}
			j++
		}
		if at(j).is("where") {
			return nil, pgerror.New(pgerror.FeatureNotSupported, "ON CONFLICT with an index predicate is not supported yet").
				WithPosition(charPos(r.src, at(j).pos))
		}
	case at(j).is("on") && at(j+1).is("constraint"):
		t := at(j + 2)
		if t.kind != tkIdent && t.kind != tkQIdent {
			return nil, syntaxErrorAt(r.src, t)
		}
		oc.Constraint = t.val
		j += 3
	}
	if !at(j).is("do") {
		return nil, syntaxErrorAt(r.src, at(j))
	}
	j++
	switch {
	case at(j).is("nothing"):
		if j+1 < len(toks) {
			return nil, syntaxErrorAt(r.src, at(j+1))
		}
		return oc, nil
	case at(j).is("update"):
		if !at(j+1).is("set") || j+2 >= len(toks) {
			return nil, syntaxErrorAt(r.src, at(j+1))
		}
		if len(oc.Columns) == 0 && oc.Constraint == "" {
			return nil, pgerror.New(pgerror.SyntaxError, "ON CONFLICT DO UPDATE requires inference specification or constraint name").
				WithHint("For example, ON CONFLICT (column_name).").WithPosition(charPos(r.src, start.pos))
		}
		text := r.src[toks[j+1].pos:toks[len(toks)-1].end]
		sub, err := Parse(onConflictPrefix + text)
		if err != nil {
			pe := pgerror.From(err)
			cp := *pe
			cp.Position = 0
			if pe.Position > len(onConflictPrefix) {
				cp.Position = charPos(r.src, toks[j+1].pos) + pe.Position - len(onConflictPrefix) - 1
			}
			return nil, &cp
		}
		if len(sub) != 1 {
			return nil, syntaxErrorAt(r.src, at(j+1))
		}
		if _, ok := sub[0].AST.(*ast.UpdateStmt); !ok {
			return nil, syntaxErrorAt(r.src, at(j+1))
		}
		oc.Update = sub[0]
		return oc, nil
	}
	return nil, syntaxErrorAt(r.src, at(j))
}
