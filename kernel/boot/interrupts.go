package boot

import (
	"gokernel/arch"
	"gokernel/kernel/cmdline"
	"gokernel/kernel/console"
	"gokernel/kernel/dev/lapic"
	"gokernel/kernel/irq"
	"gokernel/kernel/mem"
)

// bootIRQTable is Interrupts' snapshot of the lines, kept off its nosplit
// stack (irq.Table is larger than the 792 bytes a nosplit chain may use).
var bootIRQTable irq.Table

// Interrupts chooses the interrupt controller and prints the "apic:" line:
// the local APIC and the I/O APICs the MADT lists, with the 8259s masked,
// or the 8259s when apic=off, when there is no usable MADT, no I/O APIC
// answers or the local APIC does not. Every line starts masked.
//
//go:nosplit
func Interrupts() {
	if why := apicProblem(); why != "" {
		usePIC(why)
		return
	}
	// The I/O APICs first: they only get their pins masked, so giving up
	// after them leaves nothing to undo.
	for i := 0; i < madt.NIOAPICs && i < len(madt.IOAPICs); i++ {
		a := &madt.IOAPICs[i]
		va, ok := mem.MapMMIO(uint64(a.Addr), 0x20)
		if !ok {
			continue
		}
		if _, ok := irq.AddIOAPIC(va, a.GSIBase); !ok {
			console.WriteString("apic: the I/O APIC at ")
			console.Hex(uint64(a.Addr))
			console.Line(" does not answer; skipped")
		}
	}
	t := &bootIRQTable
	irq.Snapshot(t)
	if t.IOAPICs == 0 {
		usePIC("no I/O APIC answers")
		return
	}
	x2 := arch.HasX2APIC() && !off(cmdline.X2APIC)
	va, ok := mem.MapMMIO(madt.LAPICAddr, 0x1000)
	if !ok || !lapic.Init(va, x2, irq.SpuriousVector, irq.ErrorVector) {
		lapic.Disable()
		usePIC("the local APIC does not answer")
		return
	}
	for l := uint8(0); l < 16; l++ {
		r := madt.ISARoute(l)
		irq.SetRoute(l, r.GSI, r.ActiveLow, r.Level)
	}
	masked := irq.UseAPIC(madt.PCATCompat())
	console.WriteString("apic: ")
	console.WriteString(lapic.Active().String())
	console.WriteString(" id ")
	console.Dec(int64(lapic.ID()))
	for i := 0; i < t.IOAPICs && i < madt.NIOAPICs; i++ {
		console.WriteString(", IOAPIC at ")
		console.Hex(uint64(madt.IOAPICs[i].Addr))
		console.WriteString(" (")
		console.Dec(int64(t.IOAPICPins[i]))
		console.WriteString(" lines)")
	}
	switch {
	case masked:
		console.Line(", PIC masked")
	case madt.PCATCompat():
		console.Line(", no PIC answers")
	default:
		console.Line(", no PIC (MADT)")
	}
}

// apicProblem says why the APICs cannot be used, or returns "".
//
//go:nosplit
func apicProblem() string {
	switch {
	case off(cmdline.APIC):
		return "apic=off"
	case !haveMADT:
		return "no usable MADT"
	case !arch.HasAPIC():
		return "the CPU has no local APIC"
	case madt.NIOAPICs == 0:
		return "the MADT lists no I/O APIC"
	}
	return ""
}

// usePIC falls back to the 8259s and says why. The local APIC, which the
// firmware may have left in any state, is turned off, so the 8259's
// output reaches the CPU directly (SDM Vol. 3A §11.4.3).
//
//go:nosplit
func usePIC(why string) {
	if arch.HasAPIC() {
		lapic.Disable()
	}
	irq.UsePIC()
	console.WriteString("apic: off (")
	console.WriteString(why)
	console.Line("); the 8259 PICs")
}

// off reports whether option NAME=off was given.
//
//go:nosplit
func off(option int) bool { return cmdline.Get(option).Str == "off" }
