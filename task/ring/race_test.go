//go:build race

package ring

// stressTotal is the number of values TestStress moves under the race
// detector, which slows atomics down by an order of magnitude or more:
// 2,000,000 keeps `make test` (go test -race) to a few seconds here. Without
// -race it is 10,000,000 (norace_test.go).
const stressTotal = 2_000_000

// raceEnabled reports whether the tests run under the race detector.
const raceEnabled = true
