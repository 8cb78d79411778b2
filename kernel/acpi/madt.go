package acpi

import "gokernel/kernel/le"

// The Multiple APIC Description Table, signature "APIC" (ACPI 6.5
// §5.2.12, Table 5.19): the local APIC address and flags, then a list of
// variable-length interrupt controller structures, each starting with a
// type byte and a length byte (Table 5.21).
const (
	madtLAPICAddr = 36
	madtFlags     = 40
	madtEntries   = 44
)

// MADT Flags (§5.2.12, Table 5.20).
const MADTPCATCompat = 1 << 0 // PCAT_COMPAT: dual 8259s are present and must be masked

// Entry types (§5.2.12, Table 5.21) and their sizes.
const (
	typeLocalAPIC      = 0  // §5.2.12.2, 8 bytes
	typeIOAPIC         = 1  // §5.2.12.3, 12 bytes
	typeOverride       = 2  // §5.2.12.5, 10 bytes
	typeNMISource      = 3  // §5.2.12.6, 8 bytes
	typeLocalAPICNMI   = 4  // §5.2.12.7, 6 bytes
	typeLAPICOverride  = 5  // §5.2.12.8, 12 bytes
	typeLocalX2APIC    = 9  // §5.2.12.12, 16 bytes
	typeLocalX2APICNMI = 10 // §5.2.12.13, 12 bytes
)

// Local APIC flags (§5.2.12.2, Table 5.23; the same for x2APIC).
const (
	lapicEnabled       = 1 << 0
	lapicOnlineCapable = 1 << 1 // ACPI 6.3 (MADT revision 5) on; reserved before
)

// Fixed maximums of what MADT keeps; further entries of each kind are
// counted in MADT.Dropped.
const (
	MaxCPUs       = 256
	MaxIOAPICs    = 8
	MaxOverrides  = 32
	MaxNMISources = 8
	// MaxLocalNMIs is MaxCPUs: firmware often lists one local APIC NMI
	// per processor rather than one for all (UID 0xFF).
	MaxLocalNMIs = MaxCPUs
)

// AllProcessors is the UID of a local APIC NMI that applies to every
// processor (0xFF in a type 4 entry, 0xFFFFFFFF in a type 10).
const AllProcessors = 0xFFFFFFFF

// CPU is a Processor Local APIC (type 0) or Processor Local x2APIC (type
// 9) entry.
type CPU struct {
	UID    uint32 // ACPI Processor UID (8 bits in a type 0 entry)
	APICID uint32 // the local (x2)APIC ID (8 bits in a type 0 entry)
	// Enabled: the processor is usable now. If clear, OnlineCapable says
	// it can be brought online later (hot-plug); that flag exists only
	// from MADT revision 5 and is false before. Linux treats a disabled
	// processor in an older MADT as possibly hot-pluggable.
	Enabled       bool
	OnlineCapable bool
	X2APIC        bool // from a type 9 entry
}

// IOAPIC is an I/O APIC entry (type 1). The number of its inputs is not
// in the MADT: read it from the I/O APIC's version register (bits 16-23,
// the maximum redirection entry); its inputs are GSIs GSIBase up to
// GSIBase plus that number.
type IOAPIC struct {
	ID      uint8
	Addr    uint32 // physical address of its registers
	GSIBase uint32 // the GSI of its input 0
}

// Override is an Interrupt Source Override (type 2): bus-relative IRQ
// Source is wired to GSI, with the polarity and trigger mode in Flags.
type Override struct {
	Bus    uint8 // 0: ISA, the only bus the specification defines here
	Source uint8 // the bus-relative IRQ
	GSI    uint32
	Flags  INTIFlags
}

// NMISource is a Non-Maskable Interrupt Source (type 3): a GSI that is
// an NMI and must not be used for device interrupts.
type NMISource struct {
	GSI   uint32
	Flags INTIFlags
}

// LocalNMI is a Local APIC NMI (type 4) or Local x2APIC NMI (type 10)
// entry: LINT input LINT (0 or 1) of the processor with ACPI UID is
// wired to NMI.
type LocalNMI struct {
	UID    uint32 // AllProcessors for all of them
	LINT   uint8
	Flags  INTIFlags
	X2APIC bool // from a type 10 entry
}

// MADT is what ParseMADT keeps. It is about 7.5 KiB: keep it in a package
// variable of the caller, not on a nosplit stack.
type MADT struct {
	_ [0]func() // not comparable: no generated equality function

	Revision uint8
	Flags    uint32 // MADT Flags; see PCATCompat
	// LAPICAddr is the local APIC's physical address: the 64-bit Local
	// APIC Address Override (type 5) when there is one, else the 32-bit
	// field of the header. LAPICAddr32 is always the latter.
	LAPICAddr         uint64
	LAPICAddr32       uint32
	LAPICAddrOverride bool

	CPUs        [MaxCPUs]CPU
	NCPUs       int
	IOAPICs     [MaxIOAPICs]IOAPIC
	NIOAPICs    int
	Overrides   [MaxOverrides]Override
	NOverrides  int
	NMISources  [MaxNMISources]NMISource
	NNMISources int
	LocalNMIs   [MaxLocalNMIs]LocalNMI
	NLocalNMIs  int

	Dropped int // entries of the types above that did not fit
	Other   int // entries of other types (SAPIC, GIC, ...), skipped
	Bad     int // entries too short for their type, skipped (ErrEntryShort)
}

// PCATCompat reports PCAT_COMPAT: the machine also has dual 8259 PICs,
// which must be masked when the I/O APICs are used (§5.2.12.4).
//
//go:nosplit
func (m *MADT) PCATCompat() bool { return m.Flags&MADTPCATCompat != 0 }

// ParseMADT decodes the MADT in b into m. It walks the entries to the
// table's Length and keeps those of the types above, in table order.
//
// Errors: besides CheckTable's, ErrShort for a table shorter than the
// 44-byte fixed part; ErrEntryLength for an entry whose length is below 2
// or runs past the table, where the walk stops (m keeps the entries
// before it); ErrEntryShort when an entry is shorter than its type's
// structure: it is skipped and counted in Bad, the walk goes on, and the
// error is returned at the end (m holds every well-formed entry).
// Entries that do not fit are counted in Dropped, and a table without
// I/O APICs is not an error (NIOAPICs is 0: use the 8259s).
//
//go:nosplit
func ParseMADT(b []byte, m *MADT) Error {
	if m == nil {
		return ErrNilArgument
	}
	*m = MADT{}
	t, err := CheckTable(b, SigMADT)
	if t == nil {
		return err
	}
	if len(t) < madtEntries {
		return ErrShort
	}
	m.Revision = le.U8(t, hdrRevision)
	m.LAPICAddr32 = le.U32(t, madtLAPICAddr)
	m.LAPICAddr = uint64(m.LAPICAddr32)
	m.Flags = le.U32(t, madtFlags)

	for off := madtEntries; off < len(t); {
		if off > len(t)-2 {
			return ErrEntryLength // a lone byte at the end
		}
		n := int(le.U8(t, off+1))
		e := span(t, off, off+n)
		if n < 2 || e == nil {
			return ErrEntryLength
		}
		if !m.entry(e) {
			m.Bad++
			if err == OK || err == ErrChecksum {
				err = ErrEntryShort
			}
		}
		off += n
	}
	return err
}

// entry records the MADT entry e (its type and length bytes included);
// it returns false when e is too short for its type.
//
//go:nosplit
func (m *MADT) entry(e []byte) bool {
	switch le.U8(e, 0) {
	case typeLocalAPIC:
		if len(e) < 8 {
			return false
		}
		m.addCPU(uint32(e[2]), uint32(e[3]), le.U32(e, 4), false)
	case typeLocalX2APIC:
		if len(e) < 16 {
			return false
		}
		m.addCPU(le.U32(e, 12), le.U32(e, 4), le.U32(e, 8), true)
	case typeIOAPIC:
		if len(e) < 12 {
			return false
		}
		if i := m.NIOAPICs; i >= 0 && i < len(m.IOAPICs) {
			m.IOAPICs[i] = IOAPIC{ID: e[2], Addr: le.U32(e, 4), GSIBase: le.U32(e, 8)}
			m.NIOAPICs = i + 1
		} else {
			m.Dropped++
		}
	case typeOverride:
		if len(e) < 10 {
			return false
		}
		if i := m.NOverrides; i >= 0 && i < len(m.Overrides) {
			m.Overrides[i] = Override{Bus: e[2], Source: e[3], GSI: le.U32(e, 4), Flags: INTIFlags(le.U16(e, 8))}
			m.NOverrides = i + 1
		} else {
			m.Dropped++
		}
	case typeNMISource:
		if len(e) < 8 {
			return false
		}
		if i := m.NNMISources; i >= 0 && i < len(m.NMISources) {
			m.NMISources[i] = NMISource{Flags: INTIFlags(le.U16(e, 2)), GSI: le.U32(e, 4)}
			m.NNMISources = i + 1
		} else {
			m.Dropped++
		}
	case typeLocalAPICNMI:
		if len(e) < 6 {
			return false
		}
		uid := uint32(e[2])
		if uid == 0xFF {
			uid = AllProcessors
		}
		m.addLocalNMI(LocalNMI{UID: uid, Flags: INTIFlags(le.U16(e, 3)), LINT: e[5]})
	case typeLocalX2APICNMI:
		if len(e) < 12 {
			return false
		}
		m.addLocalNMI(LocalNMI{Flags: INTIFlags(le.U16(e, 2)), UID: le.U32(e, 4), LINT: e[8], X2APIC: true})
	case typeLAPICOverride:
		if len(e) < 12 {
			return false
		}
		m.LAPICAddr = le.U64(e, 4)
		m.LAPICAddrOverride = true
	default:
		m.Other++
	}
	return true
}

//go:nosplit
func (m *MADT) addCPU(uid, apicID, flags uint32, x2 bool) {
	i := m.NCPUs
	if i < 0 || i >= len(m.CPUs) {
		m.Dropped++
		return
	}
	m.CPUs[i] = CPU{
		UID:           uid,
		APICID:        apicID,
		Enabled:       flags&lapicEnabled != 0,
		OnlineCapable: m.Revision >= 5 && flags&lapicOnlineCapable != 0,
		X2APIC:        x2,
	}
	m.NCPUs = i + 1
}

//go:nosplit
func (m *MADT) addLocalNMI(n LocalNMI) {
	i := m.NLocalNMIs
	if i < 0 || i >= len(m.LocalNMIs) {
		m.Dropped++
		return
	}
	m.LocalNMIs[i] = n
	m.NLocalNMIs = i + 1
}
