package planner

// ScopedView is a ViewTable whose query resolves names as they resolved
// when the view was created (PostgreSQL stores the view's query with its
// relations already bound; nqdb stores the text, so the catalog resolves
// unqualified names through the search path recorded with the view).
type ScopedView interface {
	ViewTable
	// EnterView makes the catalog resolve names as for the view's query
	// until the returned function is called.
	EnterView() (leave func())
}
