package arch

// Segment descriptors for a flat 64-bit GDT (SDM Vol. 3A §3.4.5 and
// §5.2.1: in 64-bit mode base and limit are ignored for code and data).
const (
	DescKernelCode64 = 0x00209A0000000000 // P, DPL 0, code exec/read, L=1
	DescKernelData   = 0x0000920000000000 // P, DPL 0, data read/write
	DescUserCode32   = 0x00CFFA000000FFFF // P, DPL 3, 32-bit code (only to fit STAR's layout)
	DescUserData     = 0x0000F20000000000 // P, DPL 3, data read/write
	DescUserCode64   = 0x0020FA0000000000 // P, DPL 3, code exec/read, L=1
)

// TSSDescriptor encodes the 16-byte system descriptor of an available
// 64-bit TSS (SDM Vol. 3A §8.2.3, type 9).
//
//go:nosplit
func TSSDescriptor(base uint64, limit uint32) (lo, hi uint64) {
	lo = uint64(limit&0xFFFF) |
		(base&0xFFFFFF)<<16 |
		uint64(0x89)<<40 | // P, DPL 0, type 9
		uint64(limit>>16&0xF)<<48 |
		(base>>24&0xFF)<<56
	hi = base >> 32
	return
}

// TSS is the 64-bit task-state segment (SDM Vol. 3A §8.7, Figure 8-11). Its
// 64-bit fields sit at 4-byte offsets, so it is kept as 32-bit words.
type TSS struct {
	w [26]uint32
}

// TSSSize is the architectural size of the TSS; as the I/O map base it says
// "no I/O permission bitmap" (IOPL 3 grants port access instead).
const TSSSize = 104

// SetRSP0 sets the stack the CPU switches to on an interrupt from ring 3.
//
//go:nosplit
func (t *TSS) SetRSP0(sp uint64) { t.w[1], t.w[2] = uint32(sp), uint32(sp>>32) }

// SetIST sets interrupt stack table entry i (1..7); a gate naming it always
// switches to that stack (SDM Vol. 3A §6.14.5).
//
//go:nosplit
func (t *TSS) SetIST(i int, sp uint64) {
	if i < 1 || i > 7 {
		return
	}
	j := 9 + 2*(i-1)
	t.w[j], t.w[j+1] = uint32(sp), uint32(sp>>32)
}

// SetIOMapBase sets the I/O map base field (offset 102).
//
//go:nosplit
func (t *TSS) SetIOMapBase(off uint16) { t.w[25] = uint32(off) << 16 }

// Gate types for IDT entries (SDM Vol. 3A §6.14.1).
const (
	GateInterrupt = 0xE // clears IF on entry
	GateTrap      = 0xF // leaves IF alone
)

// Gate is one 16-byte IDT entry.
type Gate struct{ Lo, Hi uint64 }

// MakeGate encodes a gate to handler in code segment sel. ist selects an
// interrupt stack (0 = none); dpl is the highest ring allowed to raise the
// vector with INT n.
//
//go:nosplit
func MakeGate(handler uint64, sel uint16, ist uint8, typ uint8, dpl uint8) Gate {
	return Gate{
		Lo: handler&0xFFFF |
			uint64(sel)<<16 |
			uint64(ist&7)<<32 |
			uint64(typ&0xF)<<40 |
			uint64(dpl&3)<<45 |
			1<<47 | // present
			(handler>>16&0xFFFF)<<48,
		Hi: handler >> 32,
	}
}

// Handler returns the handler address of g.
//
//go:nosplit
func (g Gate) Handler() uint64 { return g.Lo&0xFFFF | (g.Lo>>48)<<16 | g.Hi<<32 }

// DescriptorPointer is the operand of LGDT and LIDT: a 16-bit limit and a
// 64-bit base, packed (SDM Vol. 3A §3.5.1).
type DescriptorPointer struct {
	b [10]byte
}

//go:nosplit
func MakeDescriptorPointer(base uintptr, limit uint16) (p DescriptorPointer) {
	p.b[0], p.b[1] = byte(limit), byte(limit>>8)
	for i := 0; i < 8; i++ {
		p.b[2+i] = byte(uint64(base) >> (8 * i))
	}
	return p
}

// Descriptor-table loads. Implemented in desc_amd64.s.

// LoadGDT loads the GDT at p, reloads CS with code (by a far return) and
// DS, ES and SS with data. FS and GS are left alone: loading them would
// reset their base addresses.
//
//go:noescape
func LoadGDT(p *DescriptorPointer, code, data uint16)

// LoadIDT loads the IDT register from p.
//
//go:noescape
func LoadIDT(p *DescriptorPointer)

// LoadTR loads the task register with selector sel.
func LoadTR(sel uint16)
