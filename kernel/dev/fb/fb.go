// Package fb is a linear framebuffer as a boot loader describes it
// (Multiboot 2 §3.6.12, framebuffer_type 1 "direct RGB"; Multiboot 1
// flags bit 12 is the same; set up by VBE under BIOS and GOP under UEFI):
// its mode, the checks that make drawing into it safe, and how a pixel of
// a given colour is encoded and stored. Pixels are 15/16, 24 or 32 bits,
// little-endian, with the red, green and blue fields where the loader
// says. It is the only place that pixel layout is decoded; the console
// draws its text cells with it (kernel/console/fb.go).
//
// Both rings, //go:nosplit, no allocation: the console draws from ring 0.
package fb

import (
	"gokernel/arch"
)

// Mode describes a linear framebuffer: the fields of the Multiboot
// framebuffer information, with the address mapped.
type Mode struct {
	Addr                 uintptr // virtual address of the first pixel
	Pitch, Width, Height uint32  // bytes per line; pixels
	BPP, Type            uint8   // bits per pixel; RGB
	RedPos, RedSize      uint8   // bit position and width of red
	GreenPos, GreenSize  uint8   // ... of green
	BluePos, BlueSize    uint8   // ... of blue
}

// RGB is the framebuffer type that can be drawn: direct RGB (Multiboot
// framebuffer_type 1; 0 is indexed colour, 2 EGA text).
const RGB = 1

// Error says why Check refused a mode.
type Error uint8

const (
	ErrType   Error = iota + 1 // not direct RGB
	ErrDepth                   // bits per pixel not 15, 16, 24 or 32
	ErrSize                    // width, height or size absurd, or under one text cell
	ErrPitch                   // pitch shorter than a line, or absurd
	ErrColour                  // a colour field empty or outside the pixel
	ErrAddr                    // address zero or the buffer wraps around
)

// Error implements error.
//
//go:nosplit
func (e Error) Error() string {
	switch e {
	case ErrType:
		return "framebuffer: not direct RGB"
	case ErrDepth:
		return "framebuffer: bits per pixel not 15, 16, 24 or 32"
	case ErrSize:
		return "framebuffer: smaller than one text cell, or over 16384 pixels or 1 GiB"
	case ErrPitch:
		return "framebuffer: pitch shorter than a line or too long"
	case ErrColour:
		return "framebuffer: colour field empty, over 16 bits or outside the pixel"
	case ErrAddr:
		return "framebuffer: address zero or the buffer wraps around"
	}
	return "framebuffer: unusable"
}

const (
	MaxSide  = 16384   // pixels
	MaxPitch = 1 << 18 // bytes
	MaxBytes = 1 << 30 // pitch * height
)

// Check validates a mode for drawing cells of minW x minH pixels.
//
//go:nosplit
func (m *Mode) Check(minW, minH uint32) Error {
	if m.Type != RGB {
		return ErrType
	}
	switch m.BPP {
	case 15, 16, 24, 32:
	default:
		return ErrDepth
	}
	if m.Width < minW || m.Height < minH || m.Width > MaxSide || m.Height > MaxSide {
		return ErrSize
	}
	if uint64(m.Pitch) < uint64(m.Width)*uint64(m.BytesPerPixel()) || m.Pitch > MaxPitch {
		return ErrPitch
	}
	if !colourField(m.RedPos, m.RedSize, m.BPP) || !colourField(m.GreenPos, m.GreenSize, m.BPP) ||
		!colourField(m.BluePos, m.BlueSize, m.BPP) {
		return ErrColour
	}
	size := m.Size() // at most 2^18 * 2^14 bytes
	if size > MaxBytes {
		return ErrSize
	}
	if m.Addr == 0 || m.Addr+size < m.Addr {
		return ErrAddr
	}
	return 0
}

//go:nosplit
func colourField(pos, size, bpp uint8) bool {
	return size >= 1 && size <= 16 && uint(pos)+uint(size) <= uint(bpp)
}

// BytesPerPixel returns 2, 3 or 4 for the depths Check accepts.
//
//go:nosplit
func (m *Mode) BytesPerPixel() uintptr { return uintptr(m.BPP+7) >> 3 }

// Size returns the buffer's length in bytes, Pitch * Height.
//
//go:nosplit
func (m *Mode) Size() uintptr { return uintptr(m.Pitch) * uintptr(m.Height) }

// Colour returns the pixel value of the colour r, g, b (8 bits each).
//
//go:nosplit
func (m *Mode) Colour(r, g, b uint32) uint32 {
	return channel(r, m.RedPos, m.RedSize) | channel(g, m.GreenPos, m.GreenSize) |
		channel(b, m.BluePos, m.BlueSize)
}

// channel scales an 8-bit colour value to a field of size bits at pos.
//
//go:nosplit
func channel(v uint32, pos, size uint8) uint32 {
	if size <= 8 {
		v >>= 8 - size
	} else {
		v <<= size - 8
	}
	return v << pos
}

// Store writes pixel value v, bypp bytes, at address p.
//
//go:nosplit
func Store(p, bypp uintptr, v uint32) {
	switch bypp {
	case 4:
		*(*uint32)(arch.Ptr(p)) = v
	case 3:
		*(*uint16)(arch.Ptr(p)) = uint16(v)
		*(*uint8)(arch.Ptr(p + 2)) = uint8(v >> 16)
	default:
		*(*uint16)(arch.Ptr(p)) = uint16(v)
	}
}
