// Package lapic drives the local APIC, each CPU's interrupt controller
// (Intel SDM Vol. 3A ch. 11, "Advanced Programmable Interrupt Controller
// (APIC)"): its enable and spurious-interrupt vector, the end-of-interrupt
// register, the task priority, the error vector, the LVT timer in its
// three modes, and interprocessor interrupts. It is the only place the
// local APIC's registers are named.
//
// Two ways to reach the registers (§11.12): xAPIC mode through a 4 KiB
// MMIO page (register r at base+r), and x2APIC mode through MSRs (register
// r is MSR 0x800 + r>>4), which Init chooses when the CPU has it and the
// caller allows it. Register layout and the field encodings are pure
// functions (encode.go) that host tests check.
//
// Ring 0: every function is //go:nosplit and allocates nothing; EOI runs
// in every interrupt handler.
package lapic

import "gokernel/arch"

// Register offsets in the xAPIC page (SDM Vol. 3A Table 11-1).
const (
	regID        = 0x020
	regVersion   = 0x030
	regTPR       = 0x080
	regEOI       = 0x0B0
	regSVR       = 0x0F0
	regESR       = 0x280
	regICRLow    = 0x300
	regICRHigh   = 0x310
	regLVTTimer  = 0x320
	regLVTLINT0  = 0x350
	regLVTLINT1  = 0x360
	regLVTError  = 0x370
	regTimerInit = 0x380
	regTimerCur  = 0x390
	regTimerDiv  = 0x3E0

	// IA32_APIC_BASE bits (§11.4.4).
	baseBSP    = 1 << 8
	baseX2APIC = 1 << 10 // EXTD
	baseEnable = 1 << 11

	svrEnable = 1 << 8 // APIC software enable (§11.4.7.1)
	lvtMasked = 1 << 16
)

// Mode is how the registers are reached.
type Mode uint8

const (
	Off    Mode = iota // not set up
	XAPIC              // MMIO page
	X2APIC             // MSRs
)

// String names the mode as the boot line does.
//
//go:nosplit
func (m Mode) String() string {
	switch m {
	case XAPIC:
		return "xAPIC"
	case X2APIC:
		return "x2APIC"
	}
	return "off"
}

var (
	mode Mode
	mmio uintptr // the xAPIC page's virtual address (uncached)
)

//go:nosplit
func read(reg uint32) uint32 {
	if mode == X2APIC {
		return uint32(arch.Rdmsr(x2MSR(reg)))
	}
	return *(*uint32)(arch.Ptr(mmio + uintptr(reg)))
}

//go:nosplit
func write(reg, v uint32) {
	if mode == X2APIC {
		arch.Wrmsr(x2MSR(reg), uint64(v))
		return
	}
	*(*uint32)(arch.Ptr(mmio + uintptr(reg))) = v
}

// PhysBase returns the physical address of the xAPIC page from
// IA32_APIC_BASE (the MADT gives it too).
//
//go:nosplit
func PhysBase() uint64 { return arch.Rdmsr(arch.MSR_APIC_BASE) &^ 0xFFF }

// Init enables this CPU's local APIC: in x2APIC mode if x2 is set (the
// caller checked CPUID), else in xAPIC mode through the page mapped at va;
// the spurious vector, the error vector, task priority 0, LINT0/LINT1 and
// the timer masked. It reports false, leaving the APIC as it was, if the
// APIC does not answer: its version register reads all ones or zero.
//
//go:nosplit
func Init(va uintptr, x2 bool, spurious, errVector uint8) bool {
	base := arch.Rdmsr(arch.MSR_APIC_BASE)
	if x2 {
		// xAPIC first, then x2APIC: going straight from disabled to
		// x2APIC is an invalid transition (§11.12.5, Figure 11-27).
		arch.Wrmsr(arch.MSR_APIC_BASE, base|baseEnable)
		arch.Wrmsr(arch.MSR_APIC_BASE, base|baseEnable|baseX2APIC)
		mode = X2APIC
	} else {
		arch.Wrmsr(arch.MSR_APIC_BASE, base&^baseX2APIC|baseEnable)
		mmio, mode = va, XAPIC
	}
	if !answers(read(regVersion)) {
		mode = Off
		return false
	}
	write(regTPR, 0)
	write(regLVTLINT0, lvtMasked)
	write(regLVTLINT1, lvtMasked)
	write(regLVTTimer, lvtMasked)
	write(regLVTError, uint32(errVector))
	write(regESR, 0) // a write arms the read (§11.5.3)
	write(regESR, 0)
	write(regSVR, svrEnable|uint32(spurious))
	return true
}

// VA returns the xAPIC page's mapping, which every CPU shares: each sees
// its own local APIC at the same address (§11.4.1).
//
//go:nosplit
func VA() uintptr { return mmio }

// Active returns the mode Init set up.
//
//go:nosplit
func Active() Mode { return mode }

// ID returns this CPU's APIC ID: 8 bits in xAPIC mode, 32 in x2APIC mode.
//
//go:nosplit
func ID() uint32 {
	if mode == X2APIC {
		return read(regID)
	}
	return read(regID) >> 24
}

// Version returns the version register: the version in bits 7:0, the
// highest LVT entry in bits 23:16.
//
//go:nosplit
func Version() uint32 { return read(regVersion) }

// EOI signals the end of the interrupt being handled. Not for the
// spurious vector, which is not in service (§11.9).
//
//go:nosplit
func EOI() { write(regEOI, 0) }

// Errors reads and clears the error status register.
//
//go:nosplit
func Errors() uint32 {
	write(regESR, 0)
	return read(regESR)
}

// MaskAll masks the LVT timer, LINT0 and LINT1.
//
//go:nosplit
func MaskAll() {
	if mode == Off {
		return
	}
	write(regLVTTimer, lvtMasked)
	write(regLVTLINT0, lvtMasked)
	write(regLVTLINT1, lvtMasked)
}

// writeICR64 writes the x2APIC ICR, one 64-bit MSR (§11.12.9).
//
//go:nosplit
func writeICR64(v uint64) { arch.Wrmsr(x2MSR(regICRLow), v) }

// Disable turns the local APIC off globally (IA32_APIC_BASE EN clear,
// §11.4.3), after a failed Init: the CPU then takes the 8259's INTR line
// directly, as before there were APICs.
//
//go:nosplit
func Disable() {
	arch.Wrmsr(arch.MSR_APIC_BASE, arch.Rdmsr(arch.MSR_APIC_BASE)&^(baseEnable|baseX2APIC))
	mode = Off
}

// answers reports whether a version register value comes from a local
// APIC: an integrated APIC's version is 0x10-0x15 (§11.4.8), and an
// address where nothing answers reads all ones (or zero, emulated).
//
//go:nosplit
func answers(version uint32) bool {
	return version != 0 && version != 0xFFFFFFFF && version&0xFF >= 0x10
}

// Silence blocks every maskable interrupt at this local APIC: the timer
// and the LINT lines masked, the task priority at its highest, so no fixed
// interrupt from an I/O APIC or MSI is delivered (§11.8.3.1); NMIs still
// are. For a halted machine.
//
//go:nosplit
func Silence() {
	if mode == Off {
		return
	}
	StopTimer()
	MaskAll()
	write(regTPR, 0xFF)
}
