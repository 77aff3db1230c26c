package executor

import (
	"context"
	"io"
	"time"

	"github.com/neuroquantumdb/nqdb/planner"
	"github.com/neuroquantumdb/nqdb/sql/parser"
	"github.com/neuroquantumdb/nqdb/sql/pgerror"
	"github.com/neuroquantumdb/nqdb/sql/types"
)

// Generic and custom plans, as PostgreSQL's plan cache chooses them
// (plancache.c, choose_custom_plan). A prepared statement with parameters
// runs either its generic plan (Prepared.query: bound once with $n as
// Params, folded once, reused) or a custom plan made for the execution's
// values (planner.BuildCustom: the values bound as constants, every
// planning rule run again). plan_cache_mode says which:
//
//   - force_generic_plan: always the generic plan;
//   - force_custom_plan: always a custom plan;
//   - auto (the default): custom plans for the first five executions,
//     then the generic plan when its cost is below the average custom
//     plan's cost, which includes a charge for planning
//     (1000 * cpu_operator_cost per relation, plus one), else custom
//     plans on. Generic and custom plans usually cost the same here, so
//     the generic plan wins from the sixth execution on and stays, which
//     keeps `pgbench -M prepared` as fast as one plan for all.
//
// A statement without parameters always runs its generic plan. The
// counters are pg_prepared_statements' generic_plans and custom_plans;
// EXPLAIN EXECUTE goes through the same choice (and counts), showing $n
// in a generic plan and the values in a custom one.

// customPlansFirst is how many executions get custom plans before auto
// mode considers the generic plan.
const customPlansFirst = 5

// planCacheState is a prepared statement's plan cache bookkeeping.
type planCacheState struct {
	generic, custom int64
	customCost      float64 // summed over the custom plans
	// genericCost is the generic plan's cost, once costed (the plan may
	// change with DDL, which resets it).
	genericCost   float64
	genericCosted bool
}

// planCacheMode is the session's plan_cache_mode.
func (s *Session) planCacheMode() string {
	if v, ok := s.vals["plan_cache_mode"]; ok {
		return v
	}
	return "auto"
}

// chooseCustom is choose_custom_plan before the generic plan's cost is
// known (then it prefers the generic plan, which gets costed).
func (s *Session) chooseCustom(p *Prepared, nparams int) bool {
	if nparams == 0 {
		return false
	}
	switch s.planCacheMode() {
	case "force_generic_plan":
		return false
	case "force_custom_plan":
		return true
	}
	pc := &p.plans
	if pc.custom < customPlansFirst {
		return true
	}
	if !pc.genericCosted {
		return false
	}
	return pc.genericCost >= pc.customCost/float64(pc.custom)
}

// planFor returns the plan p runs with params: its (folded) generic plan
// or a custom plan, counting which.
func (s *Session) planFor(p *Prepared, params []types.Datum) (*planner.Query, error) {
	custom := s.chooseCustom(p, len(params))
	if !custom && len(params) > 0 && !p.plans.genericCosted && s.planCacheMode() == "auto" {
		// The generic plan's first use: cost it, and as PostgreSQL does,
		// make a custom plan after all if it loses.
		p.plans.genericCost, _ = planner.PlanCost(p.query, s)
		p.plans.genericCosted = true
		custom = s.chooseCustom(p, len(params))
	}
	if !custom {
		p.plans.generic++
		return p.query, nil
	}
	p.plans.custom++
	q, err := planner.BuildCustom(p.Stmt.AST, p.ParamTypes, params, s, &s.fo, planner.OptionsOf(p.Stmt))
	if err == nil && !sameColumns(q, p) {
		err = pgerror.New(pgerror.InternalError, "custom plan changed the result columns")
	}
	if err == nil {
		err = planner.Fold(q)
	}
	if err != nil {
		// Whatever the custom planning stumbled on, the generic plan
		// meets at run time with the same values (a constant 1/$1 with
		// 0) or not at all (a difference between binding a constant and
		// a parameter): either way it gives the right answer.
		q = p.query
	}
	if s.planCacheMode() == "auto" {
		cost, rels := planner.PlanCost(q, s)
		p.plans.customCost += cost + 1000*0.0025*float64(rels+1)
	}
	return q, nil
}

// sameColumns reports whether a custom plan returns the columns the
// statement was described with.
func sameColumns(q *planner.Query, p *Prepared) bool {
	if len(q.Columns) != len(p.Columns) {
		return false
	}
	for i := range q.Columns {
		if q.Columns[i].Type.OID != p.Columns[i].Type.OID {
			return false
		}
	}
	return true
}

// explainExecute runs EXPLAIN [ANALYZE] EXECUTE name(args): the plan the
// statement would run with those values (through the plan cache's
// choice, which it counts), printed as EXPLAIN prints any plan.
func (s *Session) explainExecute(ctx context.Context, n *parser.Explain, ex *parser.Execute, outer *Prepared, o planner.ExplainOptions) (*Result, error) {
	start := time.Now()
	p, err := s.LookupPrepared(ex.Name)
	if err != nil {
		return nil, err
	}
	if len(ex.Params) != len(p.ParamTypes) {
		return nil, pgerror.New(pgerror.SyntaxError, "wrong number of parameters for prepared statement \"%s\"", ex.Name).
			WithDetail("Expected %d parameters but got %d.", len(p.ParamTypes), len(ex.Params))
	}
	params, err := s.evalArgs(ctx, ex.Params, p.ParamTypes)
	if err != nil {
		return nil, err
	}
	if err := s.Plan(p); err != nil {
		return nil, err
	}
	if p.query == nil {
		return nil, pgerror.New(pgerror.FeatureNotSupported, "EXPLAIN of this statement is not supported yet")
	}
	q, err := s.planFor(p, params)
	if err != nil {
		return nil, err
	}
	o.Planning = time.Since(start)
	var act planner.Actuals
	if o.Analyze {
		act = planner.Actuals{}
		t0 := time.Now()
		res, err := s.runPlan(withActuals(ctx, act, o), p, q, params)
		if err != nil {
			return nil, err
		}
		if res.Rows != nil {
			for {
				_, err := res.Rows.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					res.Rows.Close()
					return nil, err
				}
			}
			res.Rows.Close()
		}
		o.Execution = time.Since(t0)
		if q.IsDML() && act[q.Root] == nil {
			act[q.Root] = &planner.NodeStats{Loops: 1, First: o.Execution, Total: o.Execution}
		}
	}
	var out [][]types.Datum
	for _, l := range planner.Explain(q, o, act, s) {
		if o.JSON {
			out = append(out, []types.Datum{types.JSONVal(l)})
			continue
		}
		out = append(out, []types.Datum{l})
	}
	return &Result{Columns: outer.Columns, Rows: &sliceRows{rows: out}, tag: "EXPLAIN"}, nil
}

// checkPlanCacheMode validates plan_cache_mode, with PostgreSQL's hint
// listing the values.
func checkPlanCacheMode(v string) (string, error) {
	if s, err := checkOneOf("plan_cache_mode", "auto", "force_generic_plan", "force_custom_plan")(v); err == nil {
		return s, nil
	}
	return "", invalidValue("plan_cache_mode", v).WithHint("Available values: auto, force_generic_plan, force_custom_plan.")
}
