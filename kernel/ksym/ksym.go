// Package ksym maps kernel addresses to function names for fault reports,
// without the Go runtime: the ring-0 core cannot call runtime.FuncForPC.
//
// The table is the function symbols of the kernel's own ELF symbol table.
// It lives in a reserved, file-backed array inside the Go image: after the
// Go linker has run, tools/mkimage encodes build/go.elf's symbols and writes
// them over the array in the image it emits, so the kernel carries the
// table for exactly the code it runs, with one link and no relocation.
//
// Encoding (little endian), shared with tools/mkimage:
//
//	0   magic "GKSYMTB2"
//	8   count uint32
//	12  high uint32: the upper 32 bits of every address (the image lies in
//	    one aligned 4 GiB window: the top one, kernel/mem.KernelBase)
//	16  count entries of {start, size, name uint32}: the lower 32 bits of
//	    the function's start address, size in bytes, offset of the
//	    NUL-terminated name in the string area; sorted by start
//	..  string area
package ksym

import "unsafe"

// Size is the space reserved for the table. tools/mkimage fails the build
// if the encoded symbols do not fit.
const Size = 256 << 10

// Magic marks a filled table; the placeholder's differs so an unfilled
// table is recognised.
const (
	Magic       = "GKSYMTB2"
	placeholder = "GKSYMTB0"
	headerSize  = 16
	entrySize   = 12
)

// table is initialised with the placeholder magic so that it is file-backed
// data (zero-initialised arrays take no file space and could not be
// patched).
var table = [Size]byte{'G', 'K', 'S', 'Y', 'M', 'T', 'B', '0'}

// TableSymbol is the linker symbol of the reserved array.
const TableSymbol = "gokernel/kernel/ksym.table"

//go:nosplit
func u32(off uint32) uint32 {
	if off > Size-4 {
		return 0
	}
	// An unaligned little-endian load: the kernel only runs on x86.
	return *(*uint32)(unsafe.Pointer(&table[off]))
}

// Loaded reports whether the table was filled in at build time.
//
//go:nosplit
func Loaded() bool {
	for i := 0; i < len(Magic); i++ {
		if table[i] != Magic[i] {
			return false
		}
	}
	return true
}

//go:nosplit
func count() uint32 {
	n := u32(8)
	if max := uint32((Size - headerSize) / entrySize); n > max {
		n = max
	}
	return n
}

// Lookup returns the function containing pc and pc's offset in it. The name
// is a slice of the table: no allocation, usable from any fault handler
// (a string would need unsafe.String, whose length check calls the runtime).
//
//go:nosplit
func Lookup(pc uint64) (name []byte, off uint64, ok bool) {
	if !Loaded() || uint32(pc>>32) != u32(12) {
		return nil, 0, false
	}
	pc &= 1<<32 - 1
	// Binary search for the last entry with start <= pc.
	lo, hi := uint32(0), count()
	for lo < hi {
		mid := lo + (hi-lo)/2
		if uint64(u32(headerSize+mid*entrySize)) <= pc {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo == 0 {
		return nil, 0, false
	}
	e := headerSize + (lo-1)*entrySize
	start, size, nameOff := u32(e), u32(e+4), u32(e+8)
	if pc-uint64(start) >= uint64(size) && size != 0 {
		return nil, 0, false
	}
	return cstring(headerSize + count()*entrySize + nameOff), pc - uint64(start), true
}

//go:nosplit
func cstring(off uint32) []byte {
	if off >= Size {
		return nil
	}
	s := table[off:]
	n := 0
	for ; n < len(s); n++ {
		if s[n] == 0 {
			break
		}
	}
	if uint(n) > uint(len(s)) {
		return nil
	}
	return s[:n]
}
