package kcall

// Stats is what KernelStats copies out: counters the ring-0 core keeps,
// for tests and the shell alike.
type Stats struct {
	Ticks, TickHz, Halts, Preemptions, Spurious7, Spurious15 uint64
	FreeFrames, TotalFrames, Threads                         uint64
	Uptime                                                   uint64 // ns since the clock started, early in boot
	Breakpoints                                              uint64 // int3 traps reported
	VDSO                                                     uint64 // 1 if the vDSO is mapped
	SpuriousAPIC                                             uint64 // the local APIC's spurious vector
	Timer                                                    uint64 // a timer.Kind
	ClockSource                                              uint64 // a clock.Source
	Controller                                               uint64 // an irq.Controller
	TSCHz, TimerRate                                         uint64 // the TSC's frequency; the APIC timer's count-down rate
}
