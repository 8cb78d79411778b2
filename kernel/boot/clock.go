package boot

import (
	"gokernel/arch"
	"gokernel/kernel/clock"
	"gokernel/kernel/cmdline"
	"gokernel/kernel/console"
	"gokernel/kernel/mem"
)

// Clock measures the TSC's frequency and starts the clock, and prints the
// "clock:" line naming the source. The sources are tried in Linux's
// order, CPUID leaves 15h and 16h, then the HPET, the ACPI PM timer and
// the 8254's channel 2 as references; clocksource= forces one. A source
// that is present but fails gets a warning and the next is tried; with
// none, the clock assumes 2 GHz and says so.
//
//go:nosplit
func Clock() {
	refs := clock.BootRefs()
	if haveHPET {
		if va, ok := mem.MapMMIO(hpetTab.Base.Address, 0x400); ok {
			refs.HPET = va
		}
	}
	if haveFADT && fadt.PMTimerBits != 0 {
		if p, ok := fadt.PMTimer.Port(); ok {
			refs.PMPort, refs.PMBits = p, fadt.PMTimerBits
		}
	}
	force, forced := clock.ByName(cmdline.Get(cmdline.ClockSource).Str)
	chosen := clock.None
	var hz uint64
	var absurd [5]uint64 // figures outside 100 MHz..10 GHz, by source
	var nabsurd int
	for _, s := range clock.Order() {
		if forced && s != force && !(force == clock.CPUID15 && s == clock.CPUID16) {
			continue
		}
		h, p := clock.CalibrateQuick(s, refs)
		if p == clock.Good {
			hz, chosen = h, s
			break
		}
		if p != clock.Absent || forced {
			console.WriteString("clock: ")
			console.WriteString(s.String())
			console.WriteString(": ")
			console.WriteString(p.String())
			if p == clock.Absurd {
				if nabsurd < len(absurd) {
					absurd[nabsurd] = h
					nabsurd++
				}
				console.WriteString(" (")
				console.Dec(int64(h / 1_000_000))
				console.WriteString(" MHz)")
			}
			console.Line("; trying the next source")
		}
	}
	if chosen == clock.None && agree(absurd[:nabsurd]) {
		// An emulator's TSC may really run that slowly (Bochs's runs
		// at its instructions-per-second setting): two references that
		// agree are believed, not a guess.
		console.Line("clock: the references agree on a TSC frequency outside 100 MHz..10 GHz; using it")
		hz, chosen = absurd[0], clock.Agreed
	}
	if chosen == clock.None {
		console.Line("clock: no source measured the TSC; assuming 2 GHz (timers will be off by the error)")
		clock.Start(clock.GuessHz, clock.Guess)
		return
	}
	clock.Start(hz, chosen)
	console.WriteString("clock: TSC ")
	console.Dec(int64(hz / 1_000_000))
	console.WriteString(" MHz (")
	console.WriteString(chosen.String())
	console.Line(")")
	if !arch.HasInvariantTSC() {
		console.Line("clock: the TSC is not invariant (CPUID 80000007h EDX[8]); its rate may change with the CPU's power states")
	}
}

// agree reports whether at least two figures were measured and all lie
// within 0.5% of the first.
//
//go:nosplit
func agree(f []uint64) bool {
	if len(f) < 2 || f[0] == 0 {
		return false
	}
	for _, v := range f[1:] {
		d := max(v, f[0]) - min(v, f[0])
		if d*200 > f[0] {
			return false
		}
	}
	return true
}
