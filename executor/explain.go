package executor

import (
	"context"
	"io"
	"strings"
	"time"

	"github.com/neuroquantumdb/nqdb/executor/eval"
	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// explainOptions reads EXPLAIN's options as PostgreSQL's ExplainQuery
// does: booleans take on/off/true/false/1/0 (or nothing), FORMAT text or
// json, TIMING only with ANALYZE; BUFFERS, SETTINGS and WAL are accepted
// (there is nothing to report for them yet).
func explainOptions(n *parser.Explain) (planner.ExplainOptions, error) {
	o := planner.ExplainOptions{Costs: true, Timing: true}
	timingSet, summarySet := false, false
	for _, opt := range n.Options {
		if opt.Name == "format" {
			switch strings.ToLower(opt.Value) {
			case "text":
				o.JSON = false
			case "json":
				o.JSON = true
			case "xml", "yaml":
				return o, pgerror.New(pgerror.FeatureNotSupported, "EXPLAIN format \"%s\" is not supported yet", strings.ToLower(opt.Value))
			default:
				return o, pgerror.New(pgerror.InvalidParameterValue, "unrecognized value for EXPLAIN option \"format\": \"%s\"", opt.Value)
			}
			continue
		}
		var on bool
		switch strings.ToLower(opt.Value) {
		case "", "on", "true", "1", "yes":
			on = true
		case "off", "false", "0", "no":
		default:
			return o, pgerror.New(pgerror.SyntaxError, "%s requires a Boolean value", opt.Name)
		}
		switch opt.Name {
		case "analyze", "analyse":
			o.Analyze = on
		case "verbose":
			o.Verbose = on
		case "costs":
			o.Costs = on
		case "timing":
			o.Timing, timingSet = on, true
		case "summary":
			o.Summary, summarySet = on, true
		case "buffers", "settings", "wal":
		default:
			return o, pgerror.New(pgerror.SyntaxError, "unrecognized EXPLAIN option \"%s\"", opt.Name)
		}
	}
	if !summarySet {
		// PostgreSQL: SUMMARY defaults to ANALYZE.
		o.Summary = o.Analyze
	}
	if timingSet && o.Timing && !o.Analyze {
		return o, pgerror.New(pgerror.InvalidParameterValue, "EXPLAIN option TIMING requires ANALYZE")
	}
	return o, nil
}

// execExplain runs EXPLAIN [ANALYZE]: the statement is planned (and, with
// ANALYZE, run with every operator measured, its rows discarded) and the
// plan printed one line per row, or as one JSON document.
func (s *Session) execExplain(ctx context.Context, n *parser.Explain, p *Prepared) (*Result, error) {
	o, err := explainOptions(n)
	if err != nil {
		return nil, err
	}
	if ex, ok := n.Stmt.Utility.(*parser.Execute); ok {
		return s.explainExecute(ctx, n, ex, p, o) // plancache.go
	}
	start := time.Now()
	inner, err := s.Prepare(n.Stmt, nil)
	if err != nil {
		return nil, nestedPosition(err, p.Stmt, n.Stmt)
	}
	if inner.query == nil {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "EXPLAIN of this statement is not supported yet")
	}
	if err := s.Plan(inner); err != nil {
		return nil, nestedPosition(err, p.Stmt, n.Stmt)
	}
	o.Planning = time.Since(start)
	var act planner.Actuals
	if o.Analyze {
		act = planner.Actuals{}
		t0 := time.Now()
		res, err := s.Execute(withActuals(ctx, act, o), inner, nil)
		if err != nil {
			return nil, nestedPosition(err, p.Stmt, n.Stmt)
		}
		var rows int64
		if res.Rows != nil {
			for {
				_, err := res.Rows.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					res.Rows.Close()
					return nil, nestedPosition(err, p.Stmt, n.Stmt)
				}
				rows++
			}
			res.Rows.Close()
		}
		o.Execution = time.Since(t0)
		if inner.query.IsDML() && act[inner.query.Root] == nil {
			// DML runs outside the iterators; its node ran once.
			act[inner.query.Root] = &planner.NodeStats{Loops: 1, First: o.Execution, Total: o.Execution}
		}
	}
	var out [][]types.Datum
	for _, l := range planner.Explain(inner.query, o, act, s) {
		if o.JSON {
			out = append(out, []types.Datum{types.JSONVal(l)})
			continue
		}
		out = append(out, []types.Datum{l})
	}
	return &Result{Columns: p.Columns, Rows: &sliceRows{rows: out}, tag: "EXPLAIN"}, nil
}

// withActuals runs a statement under EXPLAIN ANALYZE's measurements; with
// TIMING OFF the operators count rows and loops but never read the clock.
func withActuals(ctx context.Context, act planner.Actuals, o planner.ExplainOptions) context.Context {
	if !o.Timing {
		return eval.WithActualRows(ctx, act)
	}
	return eval.WithActuals(ctx, act)
}
