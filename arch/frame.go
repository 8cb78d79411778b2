package arch

// Frame is the state the kernel's entry stubs save on every entry: the
// FXSAVE area (x87/SSE state, SDM Vol. 1 §10.5.1), the general registers,
// the vector and error code, and the interrupt frame the CPU pushed (SDM
// Vol. 3A §6.14.2, Figure 6-9). For SYSCALL the stub builds the same
// interrupt frame by hand, so every entry returns through IRETQ.
//
// The field order is the push order in kernel/entry_amd64.s reversed; the
// offsets are checked by a test. FX must be 16-byte aligned in memory.
type Frame struct {
	FX [512]byte

	R15, R14, R13, R12, R11, R10, R9, R8 uint64
	RBP, RDI, RSI, RDX, RCX, RBX, RAX    uint64

	Vector    uint64
	ErrorCode uint64

	RIP, CS, RFLAGS, RSP, SS uint64
}

// FrameSize is the size of Frame in bytes: 512 + 22*8.
const FrameSize = 688

// FromUser reports whether the frame was saved on an entry from ring 3.
//
//go:nosplit
func (f *Frame) FromUser() bool { return f.CS&3 == 3 }
