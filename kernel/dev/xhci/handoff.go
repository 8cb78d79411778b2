package xhci

import (
	"fmt"
	"time"
)

// The BIOS-to-OS handoff (§4.22.1 and §7.1, USB Legacy Support
// Capability). Firmware that emulates a PS/2 keyboard from a USB one
// owns the controller and runs it from SMM; the OS asks for it by
// setting HC OS Owned Semaphore and waits for the firmware to clear HC
// BIOS Owned Semaphore. Linux (quirk_usb_handoff_xhci in
// drivers/usb/host/pci-quirks.c) waits up to 1 s, polling every 10 ms;
// if the firmware never lets go, it takes the controller anyway (clears
// BIOS Owned itself) and says so. Then it disables the legacy SMIs and
// clears their status bits, in USBLEGCTLSTS.

// HandoffTimeout and handoffPoll are Linux's.
const (
	HandoffTimeout = time.Second
	handoffPoll    = 10 * time.Millisecond
)

// Handoff is the handoff as a Machine. Forced is set when the firmware
// did not answer and the controller was taken anyway.
type Handoff struct {
	r        MMIO
	off      uintptr // the USB Legacy Support capability, 0 if there is none
	state    int
	deadline time.Duration
	Forced   bool
}

const (
	hoStart = iota
	hoWait
	hoDone
)

// NewHandoff returns the handoff for the legacy capability at off (as
// FindLegacy finds it); off 0 means there is none and nothing to do.
func NewHandoff(r MMIO, off uintptr) *Handoff { return &Handoff{r: r, off: off} }

// Step implements Machine.
func (h *Handoff) Step(now time.Duration) (time.Duration, bool, error) {
	if h.off == 0 || h.state == hoDone {
		return 0, true, nil
	}
	v := h.r.Read32(h.off)
	if v == 0xFFFFFFFF {
		return 0, true, fmt.Errorf("xhci: legacy support register reads all ones")
	}
	switch h.state {
	case hoStart:
		if v&legBIOSOwned == 0 {
			h.finish(v)
			return 0, true, nil
		}
		h.r.Write32(h.off, v|legOSOwned)
		h.state, h.deadline = hoWait, now+HandoffTimeout
		return now + handoffPoll, false, nil
	default: // hoWait
		if v&legBIOSOwned == 0 {
			h.finish(v)
			return 0, true, nil
		}
		if now < h.deadline {
			return min(now+handoffPoll, h.deadline), false, nil
		}
		h.Forced = true
		v = v&^legBIOSOwned | legOSOwned
		h.r.Write32(h.off, v)
		h.finish(v)
		return 0, true, nil
	}
}

// finish makes sure OS Owned is set, then disables the SMIs and clears
// their status (Linux keeps only the reserved bits and writes the RW1C
// status bits as ones).
func (h *Handoff) finish(v uint32) {
	if v&legOSOwned == 0 {
		h.r.Write32(h.off, v|legOSOwned)
	}
	c := h.r.Read32(h.off + legCtlSts)
	h.r.Write32(h.off+legCtlSts, c&legSMIDisable|legSMIEvents)
	h.state = hoDone
}

// FindLegacy walks the extended capability list (§7, Table 7-1) from
// c.XECP and returns the offset of the USB Legacy Support capability, or
// 0. The walk is bounded: each next pointer moves forward by at least 4
// bytes, and no register at or past limit (the size of BAR 0) is read.
func FindLegacy(r MMIO, c *Caps, limit uintptr) (uintptr, error) {
	off := c.XECP
	for off != 0 {
		if off+4 > limit {
			return 0, fmt.Errorf("xhci: extended capability at %#x outside the %#x bytes of registers", off, limit)
		}
		v := r.Read32(off)
		if v == 0xFFFFFFFF {
			return 0, fmt.Errorf("xhci: extended capability at %#x reads all ones", off)
		}
		if v&0xFF == xcapLegacy {
			return off, nil
		}
		next := uintptr(v>>8&0xFF) * 4
		if next == 0 {
			break
		}
		off += next
	}
	return 0, nil
}
