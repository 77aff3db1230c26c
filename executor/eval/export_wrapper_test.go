package eval

// SetOperatorWrapper turns the operator wrapper off (false) or back on,
// for BenchmarkWrapper's comparison.
func SetOperatorWrapper(on bool) { noWrapper = !on }
