package executor

import (
	"context"
	"fmt"
	"sort"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
)

// Views and materialized views over dropped relations. PostgreSQL records
// which relations a view's rule uses (pg_depend) and refuses DROP of one
// unless CASCADE, which drops the views too. nqdb keeps a view as its
// text, so its dependencies are found as viewsUsingColumn finds a
// column's: a view that no longer binds once a relation is hidden depends
// on that relation.

// hiddenRelationsCatalog resolves names as the session does, except that
// the relations in gone do not exist.
type hiddenRelationsCatalog struct {
	*Session
	gone map[uint32]bool
}

// LookupTable also shows views as plain relations, not expanded, so a
// binding fails only for what the query names itself: its direct
// dependencies.
func (c hiddenRelationsCatalog) LookupTable(schema, name string) (planner.Table, error) {
	t, err := c.Session.LookupTable(schema, name)
	if err != nil {
		return t, err
	}
	if c.gone[t.OID()] {
		return nil, pgerror.New(pgerror.UndefinedTable, "relation \"%s\" does not exist", name)
	}
	if v, ok := t.(*viewRelation); ok {
		return &hiddenColumnTable{oid: v.oid, name: v.name, cols: v.cols}, nil
	}
	return t, nil
}

// viewDep is a view (or materialized view) and the relation it is found
// to depend on.
type viewDep struct {
	view, on *tableDef
}

// bindsWithout reports whether the query of view v (bound as at CREATE,
// under its search path) still binds with the relations in gone hidden.
func (s *Session) bindsWithout(v *tableDef, gone map[uint32]bool) bool {
	cat := hiddenRelationsCatalog{Session: s, gone: gone}
	sql, path := "", []string(nil)
	switch {
	case v.mat != nil:
		sql, path = v.mat.SQL, v.mat.SearchPath
	case v.view != nil:
		sql, path = v.view.SQL, v.view.SearchPath
	}
	saved := s.pathOverride
	if len(path) > 0 {
		s.pathOverride = path
	}
	defer func() { s.pathOverride = saved }()
	stmts, err := parser.Parse(sql)
	if err != nil || len(stmts) != 1 || stmts[0].AST == nil {
		return true // not ours to judge
	}
	_, err = planner.BuildWith(stmts[0].AST, nil, cat, &s.fo)
	return err == nil
}

// viewDependents lists the views and materialized views that depend on
// the relations being dropped, directly or through one another, each with
// the relation it depends on, in the order a cascade reaches them.
func (s *Session) viewDependents(dropping []*tableDef) []viewDep {
	gone := map[uint32]bool{}
	for _, t := range dropping {
		gone[t.oid] = true
	}
	var candidates []*tableDef
	for _, v := range s.visibleRelations() {
		if (v.view != nil || v.mat != nil) && !gone[v.oid] {
			candidates = append(candidates, v)
		}
	}
	if len(candidates) == 0 {
		return nil
	}
	sort.Slice(candidates, func(a, b int) bool { return candidates[a].oid < candidates[b].oid })
	// Depth first, each relation's direct dependents in creation order:
	// the order PostgreSQL's findDependentObjects reports them in.
	var deps []viewDep
	var visit func(on *tableDef)
	visit = func(on *tableDef) {
		for _, v := range candidates {
			if gone[v.oid] || s.bindsWithout(v, map[uint32]bool{on.oid: true}) {
				continue
			}
			gone[v.oid] = true
			deps = append(deps, viewDep{view: v, on: on})
			visit(v)
		}
	}
	for _, t := range dropping {
		visit(t)
	}
	return deps
}

// viewDepLines are the DETAIL lines of DROP's 2BP01 for deps.
func viewDepLines(deps []viewDep) []string {
	lines := make([]string, len(deps))
	for i, d := range deps {
		lines[i] = fmt.Sprintf("%s %s depends on %s %s", kindWord(d.view, false), d.view.name, kindWord(d.on, false), d.on.name)
	}
	return lines
}

// droppedRoot is the relation being dropped that the first dependent
// view leads back to: the one DROP's error names.
func droppedRoot(deps []viewDep, dropping []*tableDef) *tableDef {
	if len(deps) == 0 {
		return dropping[0]
	}
	first := deps[0].on
	for first != nil && !containsDef(dropping, first) {
		first = dependencyOf(deps, first)
	}
	if first == nil {
		return dropping[0]
	}
	return first
}

// dropViews drops the dependent views of a DROP ... CASCADE, each before
// the views it reads, and returns the lines of the cascade's notice
// (cascadeNotice).
func (s *Session) dropViews(ctx context.Context, deps []viewDep) ([]string, error) {
	for i := len(deps) - 1; i >= 0; i-- {
		v := s.current(deps[i].view.oid)
		if v == nil {
			continue
		}
		var err error
		if v.mat != nil {
			s.droppingMatview = true
			_, err = s.dropTable(ctx, v.schema, v.name, false)
			s.droppingMatview = false
		} else {
			err = s.dropTreeless(ctx, v)
		}
		if err != nil {
			return nil, err
		}
	}
	lines := make([]string, len(deps))
	for i, d := range deps {
		lines[i] = kindWord(d.view, false) + " " + d.view.name
	}
	return lines, nil
}

func containsDef(defs []*tableDef, t *tableDef) bool {
	for _, d := range defs {
		if d.oid == t.oid {
			return true
		}
	}
	return false
}

// dependencyOf is what the view t was found to depend on, nil if t is
// not among deps.
func dependencyOf(deps []viewDep, t *tableDef) *tableDef {
	for _, d := range deps {
		if d.view.oid == t.oid {
			return d.on
		}
	}
	return nil
}
