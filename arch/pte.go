package arch

// PTE is a 4-level paging entry (SDM Vol. 3A §4.5, tables 4-15 to 4-20).
// The same bits serve PML4, PDPT, PD and PT entries; PS is meaningful only
// in PDPT and PD entries.
type PTE uint64

const (
	PTE_P   PTE = 1 << 0  // present
	PTE_W   PTE = 1 << 1  // writable
	PTE_U   PTE = 1 << 2  // user (ring 3) accessible
	PTE_PWT PTE = 1 << 3  // write-through
	PTE_PCD PTE = 1 << 4  // cache disable
	PTE_A   PTE = 1 << 5  // accessed
	PTE_D   PTE = 1 << 6  // dirty
	PTE_PS  PTE = 1 << 7  // large page (2 MiB in a PD, 1 GiB in a PDPT)
	PTE_G   PTE = 1 << 8  // global: survives CR3 reloads when CR4.PGE=1
	PTE_NX  PTE = 1 << 63 // no execute (needs EFER.NXE)

	PTE_ADDR PTE = 0x000F_FFFF_FFFF_F000 // physical address bits 51:12
)

// Addr returns the physical address the entry points at.
//
//go:nosplit
func (e PTE) Addr() uint64 { return uint64(e & PTE_ADDR) }

// Present reports whether the entry maps anything.
//
//go:nosplit
func (e PTE) Present() bool { return e&PTE_P != 0 }

// Page-fault error-code bits (SDM Vol. 3A §6.15, interrupt 14).
const (
	PF_P    = 1 << 0 // 0: not present; 1: protection violation
	PF_W    = 1 << 1 // the access was a write
	PF_U    = 1 << 2 // the access came from ring 3
	PF_RSVD = 1 << 3 // a reserved bit was set in a paging entry
	PF_I    = 1 << 4 // the access was an instruction fetch
)
