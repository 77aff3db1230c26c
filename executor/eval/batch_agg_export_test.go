package eval

// SetAggKernels turns the aggregation kernels on or off and returns the
// previous setting, for tests in package eval_test that compare the
// kernels with the row evaluator.
func SetAggKernels(on bool) bool {
	old := aggKernelsOn
	aggKernelsOn = on
	return old
}
