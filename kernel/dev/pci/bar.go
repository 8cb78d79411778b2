package pci

import "fmt"

// BARKind is what a base address register maps (PCI Local Bus 3.0
// §6.2.5.1, Figures 6-5 and 6-6).
type BARKind uint8

const (
	BARNone  BARKind = iota // not implemented (reads back zero)
	BARIO                   // I/O space
	BARMem32                // memory anywhere in the low 4 GiB
	BARMem64                // memory anywhere; takes two BAR registers
	BARMem1M                // memory below 1 MiB (type 01, PCI 2.x legacy)
)

func (k BARKind) String() string {
	switch k {
	case BARIO:
		return "io"
	case BARMem32:
		return "mem32"
	case BARMem64:
		return "mem64"
	case BARMem1M:
		return "mem1M"
	}
	return "none"
}

// BAR is one decoded base address register.
type BAR struct {
	Index        int // 0-5; a 64-bit BAR also occupies Index+1
	Kind         BARKind
	Prefetchable bool
	Addr         uint64 // the base the firmware assigned (0: unassigned)
	Size         uint64 // bytes decoded
}

// BAR register bits.
const (
	barIO       = 1 << 0
	barTypeMask = 3 << 1 // memory type: 00 32-bit, 01 below 1 MiB, 10 64-bit
	barType64   = 2 << 1
	barType1M   = 1 << 1
	barPrefetch = 1 << 3
)

// DecodeBAR decodes a BAR from its value and what it read back after all
// ones were written to it (§6.2.5.1, "decoding the size"): the writable
// address bits are those that read back as ones, and the size is the
// lowest of them, as Linux's pci_size computes it. For a 64-bit BAR, hi
// and sizeHi are the next register's value and readback; otherwise they
// are ignored. A readback of zero is an unimplemented BAR. The reserved
// memory type 11, a readback with no address bits and an address with
// bits set below the size are errors.
func DecodeBAR(lo, hi, sizeLo, sizeHi uint32) (BAR, error) {
	var b BAR
	if sizeLo == 0 {
		return b, nil
	}
	var addr, mask uint64
	if lo&barIO != 0 {
		b.Kind = BARIO
		// Bits 31:16 may be hardwired to zero (a 64 KiB I/O space), so
		// the lowest writable bit, not the complement, gives the size.
		addr, mask = uint64(lo&^3), uint64(sizeLo&^3)
	} else {
		switch lo & barTypeMask {
		case 0:
			b.Kind = BARMem32
			addr, mask = uint64(lo&^0xF), uint64(sizeLo&^0xF)
		case barType1M:
			b.Kind = BARMem1M
			addr, mask = uint64(lo&^0xF), uint64(sizeLo&^0xF)
		case barType64:
			b.Kind = BARMem64
			addr = uint64(hi)<<32 | uint64(lo&^0xF)
			mask = uint64(sizeHi)<<32 | uint64(sizeLo&^0xF)
		default:
			return b, fmt.Errorf("pci: BAR %#08x has the reserved memory type 11", lo)
		}
		b.Prefetchable = lo&barPrefetch != 0
	}
	if mask == 0 {
		return BAR{}, fmt.Errorf("pci: BAR %#08x reads back %#08x: no address bits", lo, sizeLo)
	}
	b.Addr, b.Size = addr, mask&-mask
	if b.Addr&(b.Size-1) != 0 {
		// The bits below the size are read-only zeros: a value that has
		// them set did not come from this register.
		return BAR{}, fmt.Errorf("pci: BAR address %#x not aligned to its size %#x", b.Addr, b.Size)
	}
	return b, nil
}

// ReadBARs sizes and decodes the BARs of the function at a with header
// h: six for a type 0 header, two for a bridge, none otherwise. Memory
// and I/O decoding are turned off in the Command register while the
// registers hold all ones (§6.2.5.1: so that the function does not
// decode the all-ones address), except on a host bridge, whose decoding
// may carry the memory the CPU runs from (Linux's mmio_always_on); every
// register and the Command register are restored. Unimplemented BARs
// are left out.
func ReadBARs(c Config, a Addr, h Header) ([]BAR, error) {
	n := 0
	switch h.Type {
	case TypeGeneral:
		n = 6
	case TypeBridge:
		n = 2
	default:
		return nil, nil
	}
	if h.Class != ClassHostBridge {
		cmd := Read16(c, a, RegCommand)
		SetCommand(c, a, cmd&^(CmdIO|CmdMemory))
		defer SetCommand(c, a, cmd)
	}
	probe := func(i int) (v, size uint32) {
		off := uint16(RegBAR0 + 4*i)
		v = c.Read32(a, off)
		c.Write32(a, off, 0xFFFFFFFF)
		size = c.Read32(a, off)
		c.Write32(a, off, v)
		return v, size
	}
	var bars []BAR
	for i := 0; i < n; i++ {
		lo, sizeLo := probe(i)
		var hi, sizeHi uint32
		is64 := lo&(barIO|barTypeMask) == barType64
		if is64 {
			if i+1 == n {
				return bars, fmt.Errorf("pci: %s: 64-bit BAR %d is the last: no upper half", a, i)
			}
			hi, sizeHi = probe(i + 1)
		}
		b, err := DecodeBAR(lo, hi, sizeLo, sizeHi)
		if err != nil {
			return bars, fmt.Errorf("%w (%s BAR %d)", err, a, i)
		}
		if b.Kind != BARNone {
			b.Index = i
			bars = append(bars, b)
		}
		if is64 {
			i++
		}
	}
	return bars, nil
}

// String formats b as "BAR0 mem64 0xfebf0000 (16 KiB, prefetchable)".
func (b BAR) String() string {
	s := fmt.Sprintf("BAR%d %s %#x (%s", b.Index, b.Kind, b.Addr, sizeString(b.Size))
	if b.Prefetchable {
		s += ", prefetchable"
	}
	return s + ")"
}

func sizeString(n uint64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
