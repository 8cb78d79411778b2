package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"unicode/utf8"
)

// PC Screen Font, versions 1 and 2, as the Linux console loads them
// (include/uapi/linux/kd.h and the kbd package's psf.h):
//
//	PSF1: magic 36 04, mode (u8), charsize (u8: bytes per glyph, the glyph
//	      height; glyphs are 8 pixels wide). Mode bit 0: 512 glyphs instead
//	      of 256; bits 1 and 2: a Unicode table follows the glyphs, for
//	      each glyph little-endian u16 code points, an optional 0xFFFE
//	      starting combining sequences, and 0xFFFF ending the glyph's list.
//	PSF2: magic 72 b5 4a 86, then u32 version, headersize, flags, length
//	      (glyph count), charsize, height, width (little-endian). Flags
//	      bit 0: a Unicode table follows, for each glyph UTF-8 code
//	      points, an optional 0xFE starting sequences, and 0xFF ending it.
//
// A glyph is height rows of (width+7)/8 bytes, the leftmost pixel in the
// top bit of the first byte.

var (
	psf1Magic = []byte{0x36, 0x04}
	psf2Magic = []byte{0x72, 0xb5, 0x4a, 0x86}
)

const (
	psf1Mode512    = 0x01
	psf1ModeHasTab = 0x02
	psf1ModeSeq    = 0x04
	psf1Sep        = 0xFFFF
	psf1StartSeq   = 0xFFFE

	psf2HasTable = 0x01
	psf2Sep      = 0xFF
	psf2StartSeq = 0xFE

	// Bounds no real console font comes near; they keep a corrupt header
	// from asking for gigabytes.
	maxGlyphs = 65536
	maxSide   = 64
)

// Font is a parsed PSF font.
type Font struct {
	Version       int // 1 or 2
	Width, Height int // pixels
	RowBytes      int // bytes per glyph row: (Width+7)/8
	Glyphs        [][]byte
	// Runes lists, for each glyph, the code points it shows (single code
	// points only; combining sequences are skipped). Nil without a table.
	Runes [][]rune
}

// GlyphBytes is the size of one glyph bitmap.
func (f *Font) GlyphBytes() int { return f.RowBytes * f.Height }

// ReadFont reads a PSF1 or PSF2 font, gzip-compressed or not.
func ReadFont(data []byte) (*Font, error) {
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		raw, err := io.ReadAll(io.LimitReader(zr, 64<<20))
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		data = raw
	}
	switch {
	case bytes.HasPrefix(data, psf2Magic):
		return readPSF2(data)
	case bytes.HasPrefix(data, psf1Magic):
		return readPSF1(data)
	}
	return nil, errors.New("not a PSF font (bad magic)")
}

func readPSF1(data []byte) (*Font, error) {
	if len(data) < 4 {
		return nil, errors.New("psf1: short header")
	}
	mode, height := data[2], int(data[3])
	if height == 0 || height > maxSide {
		return nil, fmt.Errorf("psf1: glyph height %d", height)
	}
	n := 256
	if mode&psf1Mode512 != 0 {
		n = 512
	}
	f := &Font{Version: 1, Width: 8, Height: height, RowBytes: 1}
	rest, err := readGlyphs(f, data[4:], n)
	if err != nil {
		return nil, fmt.Errorf("psf1: %w", err)
	}
	if mode&(psf1ModeHasTab|psf1ModeSeq) == 0 {
		return f, nil
	}
	f.Runes = make([][]rune, n)
	for g := 0; g < n; g++ {
		inSeq := false
		for {
			if len(rest) < 2 {
				return nil, fmt.Errorf("psf1: Unicode table ends in glyph %d", g)
			}
			v := binary.LittleEndian.Uint16(rest)
			rest = rest[2:]
			if v == psf1Sep {
				break
			}
			if v == psf1StartSeq {
				inSeq = true
			}
			if !inSeq {
				f.Runes[g] = append(f.Runes[g], rune(v))
			}
		}
	}
	return f, nil
}

func readPSF2(data []byte) (*Font, error) {
	if len(data) < 32 {
		return nil, errors.New("psf2: short header")
	}
	u32 := func(off int) int { return int(binary.LittleEndian.Uint32(data[off:])) }
	hdr, flags, n, charsize, height, width := u32(8), u32(12), u32(16), u32(20), u32(24), u32(28)
	if version := u32(4); version != 0 {
		return nil, fmt.Errorf("psf2: version %d", version)
	}
	if width <= 0 || width > maxSide || height <= 0 || height > maxSide {
		return nil, fmt.Errorf("psf2: glyph size %dx%d", width, height)
	}
	if n <= 0 || n > maxGlyphs {
		return nil, fmt.Errorf("psf2: %d glyphs", n)
	}
	rowBytes := (width + 7) / 8
	if charsize != rowBytes*height {
		return nil, fmt.Errorf("psf2: charsize %d for %dx%d glyphs", charsize, width, height)
	}
	if hdr < 32 || hdr > len(data) {
		return nil, fmt.Errorf("psf2: header size %d", hdr)
	}
	f := &Font{Version: 2, Width: width, Height: height, RowBytes: rowBytes}
	rest, err := readGlyphs(f, data[hdr:], n)
	if err != nil {
		return nil, fmt.Errorf("psf2: %w", err)
	}
	if flags&psf2HasTable == 0 {
		return f, nil
	}
	f.Runes = make([][]rune, n)
	for g := 0; g < n; g++ {
		end := bytes.IndexByte(rest, psf2Sep)
		if end < 0 {
			return nil, fmt.Errorf("psf2: Unicode table ends in glyph %d", g)
		}
		entry := rest[:end]
		rest = rest[end+1:]
		if seq := bytes.IndexByte(entry, psf2StartSeq); seq >= 0 {
			entry = entry[:seq]
		}
		for len(entry) > 0 {
			r, size := utf8.DecodeRune(entry)
			if r == utf8.RuneError && size <= 1 {
				return nil, fmt.Errorf("psf2: bad UTF-8 in the Unicode table of glyph %d", g)
			}
			f.Runes[g] = append(f.Runes[g], r)
			entry = entry[size:]
		}
	}
	return f, nil
}

func readGlyphs(f *Font, data []byte, n int) ([]byte, error) {
	size := f.GlyphBytes()
	if len(data) < n*size {
		return nil, fmt.Errorf("%d glyphs of %d bytes need %d bytes, the file has %d", n, size, n*size, len(data))
	}
	f.Glyphs = make([][]byte, n)
	for i := range f.Glyphs {
		f.Glyphs[i] = data[i*size : (i+1)*size : (i+1)*size]
	}
	return data[n*size:], nil
}

// Range maps Count consecutive runes from Lo to consecutive glyphs from
// Glyph.
type Range struct {
	Lo    rune
	Count int
	Glyph int
}

// Ranges returns the font's rune-to-glyph map as sorted, non-overlapping
// ranges, each as long as possible. A rune listed for several glyphs maps
// to the first. Surrogates and runes past U+10FFFF are dropped.
func (f *Font) Ranges() []Range {
	m := map[rune]int{}
	for g, rs := range f.Runes {
		for _, r := range rs {
			if !utf8.ValidRune(r) {
				continue
			}
			if _, dup := m[r]; !dup {
				m[r] = g
			}
		}
	}
	runes := make([]rune, 0, len(m))
	for r := range m {
		runes = append(runes, r)
	}
	slices.Sort(runes)
	var out []Range
	for _, r := range runes {
		g := m[r]
		if k := len(out) - 1; k >= 0 {
			last := &out[k]
			if last.Lo+rune(last.Count) == r && last.Glyph+last.Count == g && last.Count < 0xFFFF {
				last.Count++
				continue
			}
		}
		out = append(out, Range{Lo: r, Count: 1, Glyph: g})
	}
	return out
}

// Lookup returns the glyph for r through ranges, or -1.
func Lookup(ranges []Range, r rune) int {
	lo, hi := 0, len(ranges)
	for lo < hi {
		m := (lo + hi) / 2
		switch rg := ranges[m]; {
		case r < rg.Lo:
			hi = m
		case r >= rg.Lo+rune(rg.Count):
			lo = m + 1
		default:
			return rg.Glyph + int(r-rg.Lo)
		}
	}
	return -1
}
