//go:build race

package task

// raceEnabled reports whether the tests run under the race detector,
// which makes goroutines much more expensive to create and measure.
const raceEnabled = true
