// Package vdso carries the kernel's vDSO (boot/vdso.s, a small shared
// object) and maps it into the Go program at boot, so that the runtime's
// clock reads are plain function calls reading the TSC instead of system
// calls. The runtime finds it through the AT_SYSINFO_EHDR auxiliary vector
// entry, exactly as on Linux.
//
// Like the symbol table, the image is written into a reserved, file-backed
// array of the Go image by tools/mkimage after the Go link:
//
//	0   magic "GKVDSOIMG1\0\0" (12 bytes)
//	12  length uint32
//	16  the shared object's file, length bytes
package vdso

import "unsafe"

// Size is the space reserved for the image.
const Size = 16 << 10

const (
	Magic       = "GKVDSOIMG1\x00\x00"
	placeholder = "GKVDSOIMG0\x00\x00"
	headerSize  = 16
	dataMagic   = "GKVDSODATA\x00\x00\x00\x00\x00\x00"
)

// ImageSymbol is the linker symbol of the reserved array.
const ImageSymbol = "gokernel/kernel/vdso.image"

var image = [Size]byte{'G', 'K', 'V', 'D', 'S', 'O', 'I', 'M', 'G', '0'}

// Encode builds the array contents for the shared object so (host side).
func Encode(so []byte) ([]byte, bool) {
	if len(so)+headerSize > Size {
		return nil, false
	}
	b := make([]byte, headerSize+len(so))
	copy(b, Magic)
	n := uint32(len(so))
	b[12], b[13], b[14], b[15] = byte(n), byte(n>>8), byte(n>>16), byte(n>>24)
	copy(b[headerSize:], so)
	return b, true
}

// Image returns the shared object, or nil if the build did not fill it in.
//
//go:nosplit
func Image() []byte {
	for i := 0; i < len(Magic); i++ {
		if image[i] != Magic[i] {
			return nil
		}
	}
	n := uint(image[12]) | uint(image[13])<<8 | uint(image[14])<<16 | uint(image[15])<<24
	if n > Size-headerSize {
		return nil
	}
	return image[headerSize : headerSize+n]
}

// Params are the clock parameters the vDSO computes time from: ns since
// boot = (TSC - TSC0) * Mult >> 32, and wall-clock ns = that + WallAtTSC0.
type Params struct {
	TSC0, Mult uint64
	WallAtTSC0 int64
}

// Fill writes p into the image's data block (found by its magic) and marks
// it valid. It reports whether the block was found.
//
//go:nosplit
func Fill(so []byte, p Params) bool {
	for off := 0; off+len(dataMagic)+32 <= len(so); off += 16 {
		if string(so[off:off+len(dataMagic)]) != dataMagic {
			continue
		}
		d := (*[4]uint64)(unsafe.Pointer(&so[off+len(dataMagic)]))
		d[0], d[1], d[2], d[3] = p.TSC0, p.Mult, uint64(p.WallAtTSC0), 1
		return true
	}
	return false
}

// Enabled reports whether the running kernel mapped the vDSO.
var Enabled bool

// Base is where it is mapped.
var Base uint64
