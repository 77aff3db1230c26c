package planner

import (
	"strconv"
	"strings"
)

// gather draws a Gather (explain.go's walk): PostgreSQL's Gather with
// Workers Planned (and Workers Launched under ANALYZE) over its input,
// whose aggregate is marked Partial and whose divided scan is a Parallel
// Seq Scan; the estimates of the parallel part are per worker, as
// PostgreSQL prints them.
func (ex *explainer) gather(e *exNode, g *Gather) (*exNode, []string) {
	in, names := ex.walk(g.Input)
	if g.Partial != nil {
		// The Finalize Agg above names its expressions over the partial
		// Agg's input row (it merges states of the same calls): draw that
		// input again for its column names (a parallel-safe subtree has
		// no subplans, so nothing is numbered twice).
		_, names = ex.walk(g.Partial.Input)
	}
	in.parent = "Outer"
	e.kids = []*exNode{in}
	e.typ = "Gather"
	e.json = append(e.json, [2]any{"Workers Planned", g.Workers}, [2]any{"Single Copy", false})
	e.props = append(e.props, [2]string{"Workers Planned", strconv.Itoa(g.Workers)})
	if ex.o.Analyze {
		launched := int64(0)
		if st := ex.act[g.Launched]; st != nil {
			launched = st.Loops
		}
		e.props = append(e.props, [2]string{"Workers Launched", strconv.FormatInt(launched, 10)})
	}
	div := float64(g.Workers)
	if c := 1.0 - 0.3*float64(g.Workers); c > 0 {
		div += c
	}
	chain := map[Node]bool{}
	for n := g.Input; n != nil; {
		chain[n] = true
		switch x := n.(type) {
		case *Agg:
			n = x.Input
		case *Filter:
			n = x.Input
		case *Project:
			n = x.Input
		case *Join:
			n = x.Left
		default:
			n = nil
		}
	}
	e.rows = 0
	var mark func(k *exNode)
	mark = func(k *exNode) {
		if !chain[k.node] {
			return
		}
		switch {
		case k.node == Node(g.Partial):
			k.typ = "Partial " + k.typ
			setJSON(k, "Partial Mode", "Partial")
		case k.typ == "Seq Scan":
			k.typ = "Parallel Seq Scan"
		}
		k.rows /= div
		k.total /= div
		for _, c := range k.kids {
			mark(c)
		}
	}
	mark(in)
	e.rows = in.rows * div
	e.startup = in.startup + 1000
	e.total = in.total + 1000 + 0.1*e.rows
	return e, names
}

// finalizeAgg marks an Agg over a partial Gather as its Finalize step.
func (ex *explainer) finalizeAgg(e *exNode, a *Agg) {
	if g, ok := a.Input.(*Gather); ok && g.Partial != nil && !strings.HasPrefix(e.typ, "Finalize ") {
		e.typ = "Finalize " + e.typ
		setJSON(e, "Partial Mode", "Finalize")
	}
}

// setJSON replaces (or adds) a JSON property of e.
func setJSON(e *exNode, key string, v any) {
	for i := range e.json {
		if e.json[i][0] == key {
			e.json[i][1] = v
			return
		}
	}
	e.json = append(e.json, [2]any{key, v})
}
