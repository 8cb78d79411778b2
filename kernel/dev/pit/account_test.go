package pit

import "testing"

// TestAccount drives the tick accounting through the sequences the IRQ 0
// handler and the idle loop produce, with the OUT pin and the remaining
// count as the 8254 would report them. At 1000 Hz the divisor is 1193
// input clocks.
func TestAccount(t *testing.T) {
	const div = 1193
	type step struct {
		op    string // "irq", "stop", "restart"
		ns    int64  // stop: sleep length
		out   bool   // irq, restart: OUT pin
		left  uint64 // restart: remaining count
		ticks uint64 // expected total after the step
	}
	oneShot50 := (uint64(50_000_000)*InputHz/1_000_000_000 + div - 1) / div // whole ticks covering 50 ms
	for _, c := range []struct {
		name  string
		steps []step
	}{
		{"periodic", []step{{op: "irq", ticks: 1}, {op: "irq", ticks: 2}, {op: "irq", ticks: 3}}},
		{"one-shot fires", []step{
			{op: "stop", ns: 50_000_000},
			{op: "irq", out: true, ticks: oneShot50},
			{op: "restart", ticks: oneShot50},
			{op: "irq", ticks: oneShot50 + 1},
		}},
		{"a pending periodic tick is not the one-shot (the 253-ticks-in-201-ms bug)", []step{
			{op: "stop", ns: 50_000_000},
			{op: "irq", out: false, ticks: 1},
			{op: "irq", out: true, ticks: 1 + oneShot50},
			{op: "restart", ticks: 1 + oneShot50},
		}},
		{"a key ends the sleep early: the elapsed clocks count", []step{
			{op: "stop", ns: 50_000_000},
			{op: "restart", out: false, left: oneShot50*div - 10*div - 5, ticks: 10},
			{op: "irq", ticks: 11},
		}},
		{"the count ran out, its interrupt still pending at restart", []step{
			{op: "stop", ns: 50_000_000},
			{op: "restart", out: true, ticks: oneShot50},
			{op: "irq", ticks: oneShot50 + 1},
		}},
		{"remainders carry to the next sleep", []step{
			{op: "stop", ns: 50_000_000},
			{op: "restart", left: oneShot50*div - div/2, ticks: 0},
			{op: "stop", ns: 50_000_000},
			{op: "restart", left: oneShot50*div - div/2 - 1, ticks: 1},
		}},
		{"a short sleep keeps the periodic tick", []step{
			{op: "stop", ns: 1_000_000},
			{op: "irq", out: true, ticks: 1},
			{op: "irq", out: true, ticks: 2},
		}},
		{"a very long sleep is clamped to the counter", []step{
			{op: "stop", ns: 1 << 62},
			{op: "irq", out: true, ticks: maxCount / div},
		}},
		{"a second stop while stopped changes nothing", []step{
			{op: "stop", ns: 50_000_000},
			{op: "stop", ns: 20_000_000},
			{op: "irq", out: true, ticks: oneShot50},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := account{divisor: div}
			for i, s := range c.steps {
				switch s.op {
				case "irq":
					a.interrupt(s.out)
				case "stop":
					a.stop(s.ns)
				case "restart":
					a.restart(s.out, s.left)
				}
				if got := a.ticks.Load(); got != s.ticks {
					t.Fatalf("step %d (%s): %d ticks, want %d", i, s.op, got, s.ticks)
				}
			}
		})
	}
}

// TestStopCount checks the one-shot counts stop chooses.
func TestStopCount(t *testing.T) {
	for _, c := range []struct {
		ns int64
		n  uint64
		ok bool
	}{
		{0, 0, false},
		{-5, 0, false},
		{1_000_000, 0, false},         // one tick: the periodic tick ends it
		{1_500_000, 2 * 1193, true},   // rounded up to whole ticks
		{2_000_000, 2 * 1193, true},   // two whole ticks
		{2_900_000, 3 * 1193, true},   // rounded up
		{55_000_000, 54 * 1193, true}, // the 16-bit counter holds 54 ticks
		{1 << 62, 54 * 1193, true},    // no overflow
	} {
		a := account{divisor: 1193}
		n, ok := a.stop(c.ns)
		if n != c.n || ok != c.ok {
			t.Errorf("stop(%d) = %d, %v; want %d, %v", c.ns, n, ok, c.n, c.ok)
		}
	}
}
