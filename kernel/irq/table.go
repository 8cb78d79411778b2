package irq

import "gokernel/kernel/dev/ioapic"

// Table is what the irq shell command shows, copied out by the private
// call: the ISA lines' routes and counts, the special vectors' counts.
type Table struct {
	Controller              Controller
	Lines                   [16]Route
	LineCounts              [16]uint64
	Timer, Errors, Spurious uint64
	Spurious7, Spurious15   uint64
	IOAPICs                 int
	IOAPICPins              [ioapic.MaxChips]uint32
	MSIVectors              int              // handed out, from MSIBase
	MSICounts               [MSICount]uint64 // interrupts by MSI vector
}

// Snapshot fills t. Ring 0.
//
//go:nosplit
func Snapshot(t *Table) {
	t.Controller = ctrl
	t.Lines = routes
	for l := 0; l < 16; l++ {
		t.LineCounts[l] = counts[Base+l]
	}
	t.Timer, t.Errors, t.Spurious = counts[TimerVector], counts[ErrorVector], counts[SpuriousVector]
	t.Spurious7, t.Spurious15 = spurious[0], spurious[1]
	t.IOAPICs = nchips
	for i := 0; i < nchips && i < len(chips); i++ {
		t.IOAPICPins[i] = chips[i].Pins
	}
	t.MSIVectors = int(msiNext)
	for i := 0; i < MSICount; i++ {
		t.MSICounts[i] = counts[MSIBase+i]
	}
}

// LineName names an ISA line's device, for the irq command.
func LineName(line int) string {
	switch line {
	case Timer:
		return "timer (8254)"
	case Keyboard:
		return "keyboard (8042)"
	case COM1:
		return "serial (COM1)"
	case RTC:
		return "RTC"
	}
	return ""
}

// String names the controller.
func (c Controller) String() string {
	if c == APIC {
		return "APIC"
	}
	return "PIC"
}
