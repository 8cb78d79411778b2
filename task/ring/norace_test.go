//go:build !race

package ring

// stressTotal is the number of values TestStress moves: 10,000,000 without
// the race detector (race_test.go has the -race count).
const stressTotal = 10_000_000

// raceEnabled reports whether the tests run under the race detector.
const raceEnabled = false
