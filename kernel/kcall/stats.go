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
	CPUs                                                     uint64 // CPUs online
	CPUsListed                                               uint64 // CPUs the firmware lists (up to cpus=), online or not
	TimerIRQs                                                uint64 // timer interrupts on every CPU
	TimerWakes                                               uint64 // halts the timer ended, on every CPU
	WakeIPIs                                                 uint64 // wake-up IPIs sent to idle CPUs
	Shootdowns, ShootdownIPIs                                uint64 // TLB shootdowns; the IPIs they sent
	LockSpins                                                uint64 // spins waiting for the big kernel lock
	FaultReporter                                            uint64 // 1 while the fault reporter waits for a kernel fault
	FastFaults                                               uint64 // page faults from ring 3 served under the mm lock alone
}

// CPU is one CPU's line in CPUs.
type CPU struct {
	APICID     uint64
	Runs       uint64 // threads switched to
	Halts      uint64
	TimerWakes uint64 // halts the timer ended
	Interrupts uint64 // interrupts taken, IPIs included
	IdleNs     uint64 // time spent idle
	UpNs       uint64 // time since the CPU came up
}

// CPUs is what CPUTable copies out: the online CPUs, by index.
type CPUs struct {
	N   uint64
	CPU [64]CPU
}
