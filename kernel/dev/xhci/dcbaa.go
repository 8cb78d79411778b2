package xhci

import "fmt"

// The device context base address array (§6.1): one 64-bit pointer per
// device slot, 1 to MaxSlotsEn, to the slot's output device context;
// entry 0 points to the scratchpad buffer array when the controller asks
// for scratchpad buffers (§4.20). The controller reads the array at
// DCBAAP; it must be 64-byte aligned.

// DCBAASize is the bytes of the array for slots device slots.
func DCBAASize(slots int) int { return (slots + 1) * 8 }

// SetDCBAA writes entry i (0 the scratchpad array, 1-slots a slot's
// device context; 0 to clear) of the array in mem.
func SetDCBAA(mem DMA, i int, phys uint64) error {
	if i < 0 || (i+1)*8 > len(mem.Mem) {
		return fmt.Errorf("xhci: DCBAA entry %d outside the array", i)
	}
	if phys&63 != 0 {
		return fmt.Errorf("xhci: DCBAA entry %d: %#x not 64-byte aligned", i, phys)
	}
	mem.put64(i*8, phys)
	return nil
}

// ScratchpadArray writes the scratchpad buffer array (§6.6): one 64-bit
// page address per buffer. Each page must be PAGESIZE aligned; the array
// itself 64-byte aligned.
func ScratchpadArray(arr DMA, pages []uint64) error {
	if len(pages)*8 > len(arr.Mem) || arr.Phys&63 != 0 {
		return fmt.Errorf("xhci: scratchpad array of %d bytes at %#x for %d pages", len(arr.Mem), arr.Phys, len(pages))
	}
	for i, p := range pages {
		if p%PageSize != 0 {
			return fmt.Errorf("xhci: scratchpad page %#x not page aligned", p)
		}
		arr.put64(i*8, p)
	}
	return nil
}
