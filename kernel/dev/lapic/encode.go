package lapic

// The encodings, as pure functions (encode_test.go checks them against the
// SDM's figures).

// x2MSR is the MSR of xAPIC register offset reg in x2APIC mode (SDM Vol.
// 3A §11.12.1.2, Table 11-6): 0x800 + offset/16.
//
//go:nosplit
func x2MSR(reg uint32) uint32 { return 0x800 + reg>>4 }

// LVTTimer encodes the LVT timer register (Figure 11-8): vector in bits
// 7:0, masked in bit 16, the mode in bits 18:17.
//
//go:nosplit
func LVTTimer(vector uint8, m TimerMode, masked bool) uint32 {
	v := uint32(vector) | uint32(m)
	if masked {
		v |= lvtMasked
	}
	return v
}

// divideCode encodes a divider (1, 2, 4, ... 128) for the divide
// configuration register (Figure 11-10): bits 3, 1, 0, where 0b000 is 2
// and 0b111 is 1.
//
//go:nosplit
func divideCode(d uint32) uint32 {
	var log uint32
	for d > 1 && log < 7 {
		d >>= 1
		log++
	}
	c := (log - 1) & 7 // 2 -> 0, 4 -> 1, ..., 128 -> 6, 1 -> 7
	return c&3 | (c&4)<<1
}

// Delivery modes of an IPI (Figure 11-12, bits 10:8).
const (
	Fixed   = 0 << 8
	NMI     = 4 << 8
	INIT    = 5 << 8
	Startup = 6 << 8

	icrAssert = 1 << 14
	icrOthers = 3 << 18 // destination shorthand: all excluding self
	icrLevel  = 1 << 15 // level-triggered (INIT de-assert)
	icrBusy   = 1 << 12 // xAPIC: delivery status, send pending
)

// ICR encodes an interprocessor interrupt to APIC ID dest: the low 32 bits
// (vector, delivery mode, level assert) and the destination, in the high
// word's bits 63:56 for xAPIC and 63:32 for x2APIC.
//
//go:nosplit
func ICR(dest uint32, vector uint8, delivery uint32, x2 bool) uint64 {
	lo := uint64(vector) | uint64(delivery) | icrAssert
	if x2 {
		return uint64(dest)<<32 | lo
	}
	return uint64(dest&0xFF)<<56 | lo
}

// SendOthers sends an interprocessor interrupt to every CPU but this one,
// by the ICR's destination shorthand "all excluding self" (bits 19:18,
// §11.6.1), which needs no APIC IDs.
//
//go:nosplit
func SendOthers(vector uint8, delivery uint32) {
	if mode == Off {
		return
	}
	send(uint64(vector) | uint64(delivery) | icrAssert | icrOthers)
}

// SendIPI sends an interprocessor interrupt (ICR, §11.6.1) and, in xAPIC
// mode, waits (bounded) for the send to be accepted.
//
//go:nosplit
func SendIPI(dest uint32, vector uint8, delivery uint32) {
	send(ICR(dest, vector, delivery, mode == X2APIC))
}

//go:nosplit
func send(v uint64) {
	if mode == X2APIC {
		writeICR64(v)
		return
	}
	write(regICRHigh, uint32(v>>32))
	write(regICRLow, uint32(v))
	for i := 0; i < 1_000_000 && read(regICRLow)&icrBusy != 0; i++ {
	}
}
