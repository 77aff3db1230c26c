package planner

// isConstFalse reports whether a folded condition is constant false or
// NULL (EXPLAIN draws a scan filtered by it as PostgreSQL's dummy Result).
func isConstFalse(e Expr) bool {
	c, ok := e.(*Const)
	if !ok {
		return false
	}
	b, isBool := c.Val.(bool)
	return c.Val == nil || isBool && !b
}
