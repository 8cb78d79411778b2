package multiboot

// Bounded views of physical memory. Both boot protocols are x86
// structures, so every field is little-endian, read with kernel/le.

// maxView bounds any single view: a Multiboot2 total_size and a Multiboot 1
// mmap_length are 32-bit, so no honest structure is larger.
const maxView = 1 << 32

// view returns exactly n bytes of physical memory at addr, or nil when n is
// 0 or above maxView, addr+n wraps, or mem gives no (or too short a) view.
//
//go:nosplit
func view(mem PhysMem, addr, n uint64) []byte {
	if n == 0 || n > maxView || addr+n < addr {
		return nil
	}
	b := mem(addr, n)
	ni := int(n)
	if len(b) < ni {
		return nil
	}
	return b[:ni]
}

// indexNUL returns the index of the first zero byte in b, or -1.
//
//go:nosplit
func indexNUL(b []byte) int {
	for i := 0; i < len(b); i++ {
		if b[i] == 0 {
			return i
		}
	}
	return -1
}

// align8 rounds n up to a multiple of 8 (mb2 §3.6.1: tags are padded so that
// each starts 8-byte aligned).
//
//go:nosplit
func align8(n int) int { return (n + 7) &^ 7 }
