package arch

// Control-register bits (SDM Vol. 3A §2.5).
const (
	CR0_PE = 1 << 0
	CR0_MP = 1 << 1
	CR0_EM = 1 << 2
	CR0_TS = 1 << 3
	CR0_WP = 1 << 16 // supervisor writes honour read-only pages
	CR0_PG = 1 << 31

	CR4_PAE        = 1 << 5
	CR4_PGE        = 1 << 7
	CR4_OSFXSR     = 1 << 9
	CR4_OSXMMEXCPT = 1 << 10
)

// Control-register access and TLB invalidation. Implemented in cr_amd64.s.

func ReadCR0() uint64
func WriteCR0(v uint64)
func ReadCR2() uint64 // the faulting linear address of the last page fault
func ReadCR3() uint64
func WriteCR3(v uint64) // also flushes non-global TLB entries
func ReadCR4() uint64
func WriteCR4(v uint64)

// Invlpg drops the TLB entry for the page containing addr (SDM Vol. 3A §4.10.4.1).
func Invlpg(addr uintptr)
