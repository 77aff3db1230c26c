package eval

// SetGroupAgg turns streaming of Sorted aggregates on or off and returns
// the previous setting, for tests in package eval_test that compare it
// with hash aggregation.
func SetGroupAgg(on bool) bool {
	old := groupAggOn
	groupAggOn = on
	return old
}
