package sysfuzz

// CloneExit makes clone(flags, stack, NULL, NULL, tls) and returns its raw
// result (a TID, or -errno). A child, if one is made, exits at once with
// status without touching its stack or TLS: how the fuzzer runs clone
// with any flags, stack and TLS, and exit, in a thread of its own.
// Implemented in clone_amd64.s.
func CloneExit(flags, stack, tls, status uintptr) (r uintptr)
