package main

// testPanic panics without recovering. The runtime prints "panic: boom"
// and a traceback naming panicNow, then exits with status 2, which
// exit_group turns into the fail code; the host test expects all of it.
func testPanic() error {
	panicNow()
	return nil
}

//go:noinline
func panicNow() {
	panic("boom")
}
