package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

const (
	realFont    = "/usr/share/consolefonts/Uni2-Terminus16.psf.gz"
	realLicense = "/usr/share/doc/console-setup-linux/copyright.fonts.gz"
	checkedIn   = "../../kernel/console/font_data.go"
)

// glyphBits makes a recognisable glyph: every byte is a function of the
// glyph number and the byte's position.
func glyphBits(g, size int) []byte {
	b := make([]byte, size)
	for i := range b {
		b[i] = byte(g*7 + i*13 + 1)
	}
	return b
}

// psf1 builds a PSF1 font of n glyphs of height rows, with the Unicode
// table tab (nil: none); seq adds a combining sequence to glyph 0.
func psf1(n, height int, tab [][]rune, seq bool) []byte {
	mode := byte(0)
	if n == 512 {
		mode |= psf1Mode512
	}
	if tab != nil {
		mode |= psf1ModeHasTab
	}
	b := []byte{0x36, 0x04, mode, byte(height)}
	for g := 0; g < n; g++ {
		b = append(b, glyphBits(g, height)...)
	}
	if tab != nil {
		for g := 0; g < n; g++ {
			for _, r := range tab[g] {
				b = binary.LittleEndian.AppendUint16(b, uint16(r))
			}
			if seq && g == 0 {
				b = binary.LittleEndian.AppendUint16(b, psf1StartSeq)
				b = binary.LittleEndian.AppendUint16(b, 'e')
				b = binary.LittleEndian.AppendUint16(b, 0x301)
			}
			b = binary.LittleEndian.AppendUint16(b, psf1Sep)
		}
	}
	return b
}

// psf2 builds a PSF2 font of n glyphs of width x height pixels.
func psf2(n, width, height int, tab [][]rune, seq bool) []byte {
	rowBytes := (width + 7) / 8
	flags := uint32(0)
	if tab != nil {
		flags = psf2HasTable
	}
	b := append([]byte{}, psf2Magic...)
	for _, v := range []uint32{0, 32, flags, uint32(n), uint32(rowBytes * height), uint32(height), uint32(width)} {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	for g := 0; g < n; g++ {
		b = append(b, glyphBits(g, rowBytes*height)...)
	}
	if tab != nil {
		for g := 0; g < n; g++ {
			for _, r := range tab[g] {
				b = utf8.AppendRune(b, r)
			}
			if seq && g == 0 {
				b = append(b, psf2StartSeq)
				b = utf8.AppendRune(b, 'e')
				b = utf8.AppendRune(b, 0x301)
			}
			b = append(b, psf2Sep)
		}
	}
	return b
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// table is a Unicode table for n glyphs: glyph g shows 0x20+g, and a few
// glyphs show more, out of order, to make several ranges. PSF1 holds only
// 16-bit code points: wide adds one beyond.
func table(n int, wide bool) [][]rune {
	tab := make([][]rune, n)
	for g := range tab {
		tab[g] = []rune{rune(0x20 + g)}
	}
	tab[3] = append(tab[3], 'é', 0x20AC)
	tab[4] = append(tab[4], 'ê')
	tab[5] = append(tab[5], 'ë')
	if wide {
		tab[5] = append(tab[5], 0x1F600)
	}
	tab[6] = append(tab[6], 0xFFFD)
	tab[7] = append(tab[7], 0x20+3) // already glyph 3's: the first wins
	return tab
}

func TestReadPSF(t *testing.T) {
	for _, tc := range []struct {
		name          string
		data          []byte
		version, w, h int
		n             int
	}{
		{"psf1-256", psf1(256, 16, table(256, false), true), 1, 8, 16, 256},
		{"psf1-512-gz", gz(psf1(512, 14, table(512, false), false)), 1, 8, 14, 512},
		{"psf2-10x20", psf2(300, 10, 20, table(300, true), true), 2, 10, 20, 300},
		{"psf2-8x16-gz", gz(psf2(256, 8, 16, table(256, true), false)), 2, 8, 16, 256},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ReadFont(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if f.Version != tc.version || f.Width != tc.w || f.Height != tc.h || len(f.Glyphs) != tc.n {
				t.Fatalf("PSF%d %dx%d, %d glyphs", f.Version, f.Width, f.Height, len(f.Glyphs))
			}
			for g, bits := range f.Glyphs {
				if !bytes.Equal(bits, glyphBits(g, f.GlyphBytes())) {
					t.Fatalf("glyph %d = % x", g, bits)
				}
			}
			want := table(tc.n, tc.version == 2)
			for g := range want {
				if string(f.Runes[g]) != string(want[g]) {
					t.Fatalf("glyph %d runes %q, want %q (sequences are skipped)", g, f.Runes[g], want[g])
				}
			}
			rs := f.Ranges()
			for r, g := range map[rune]int{' ': 0, '#': 3, 'é': 3, '€': 3, 'ê': 4, 0x20 + rune(tc.n) - 1: tc.n - 1} {
				if got := Lookup(rs, r); got != g {
					t.Errorf("Lookup(%U) = %d, want %d", r, got, g)
				}
			}
			if tc.version == 2 && Lookup(rs, 0x1F600) != 5 {
				t.Errorf("Lookup(U+1F600) = %d, want 5", Lookup(rs, 0x1F600))
			}
			for _, r := range []rune{0, 0x1F, 0x20 + rune(tc.n), 0x3000, 0x10FFFF, -1} {
				if got := Lookup(rs, r); got != -1 {
					t.Errorf("Lookup(%U) = %d, want -1", r, got)
				}
			}
		})
	}
}

func TestReadPSFErrors(t *testing.T) {
	good1 := psf1(256, 16, table(256, false), false)
	good2 := psf2(256, 8, 16, table(256, true), false)
	badHdr := append([]byte{}, good2...)
	binary.LittleEndian.PutUint32(badHdr[20:], 99) // charsize
	badUTF8 := append(append([]byte{}, good2[:len(good2)-2]...), 0xC3, 0xFF)
	for name, data := range map[string][]byte{
		"empty":              nil,
		"bad magic":          []byte("hello world, not a font"),
		"psf1 header":        good1[:3],
		"psf1 zero height":   {0x36, 0x04, 0, 0},
		"psf1 short glyphs":  good1[:4+255*16],
		"psf1 short table":   good1[:len(good1)-1],
		"psf2 header":        good2[:31],
		"psf2 short glyphs":  good2[:32+100],
		"psf2 short table":   good2[:len(good2)-1],
		"psf2 charsize":      badHdr,
		"psf2 bad UTF-8":     badUTF8,
		"psf2 huge":          psf2(1, 99, 16, nil, false),
		"gzip junk":          {0x1f, 0x8b, 1, 2, 3},
		"gzip of junk":       gz([]byte("junk")),
		"gzip short psf1":    gz(good1[:100]),
		"psf1 without table": nil, // replaced below: Generate refuses it
	} {
		if name == "psf1 without table" {
			f, err := ReadFont(psf1(256, 16, nil, false))
			if err != nil || f.Runes != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if _, err := Generate(f, Meta{Package: "x"}); err == nil {
				t.Errorf("%s: Generate accepted it", name)
			}
			continue
		}
		if _, err := ReadFont(data); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// generated is what a generated file holds, read back with go/parser.
type generated struct {
	consts map[string]int
	bitmap [][]byte
	ranges []Range
}

func parseGenerated(t *testing.T, src []byte) generated {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "font_data.go", src, parser.ParseComments)
	if err != nil {
		t.Fatalf("generated source: %v", err)
	}
	num := func(e ast.Expr) int {
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.INT {
			t.Fatalf("not an integer literal: %#v", e)
		}
		v, err := strconv.ParseInt(lit.Value, 0, 64)
		if err != nil {
			t.Fatal(err)
		}
		return int(v)
	}
	g := generated{consts: map[string]int{}}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok {
			t.Fatalf("unexpected declaration %T", d)
		}
		for _, s := range gd.Specs {
			vs := s.(*ast.ValueSpec)
			name := vs.Names[0].Name
			switch v := vs.Values[0].(type) {
			case *ast.BasicLit:
				g.consts[name] = num(v)
			case *ast.CompositeLit:
				for _, elt := range v.Elts {
					row := elt.(*ast.CompositeLit)
					var vals []int
					for _, x := range row.Elts {
						vals = append(vals, num(x))
					}
					switch name {
					case "fontBitmap":
						b := make([]byte, len(vals))
						for i, x := range vals {
							b[i] = byte(x)
						}
						g.bitmap = append(g.bitmap, b)
					case "fontRanges":
						g.ranges = append(g.ranges, Range{Lo: rune(vals[0]), Count: vals[1], Glyph: vals[2]})
					}
				}
			}
		}
	}
	return g
}

// roundTrip generates Go source for f and checks that, read back, it
// shows every rune of the font's table with the font's glyph.
func roundTrip(t *testing.T, f *Font) []byte {
	t.Helper()
	src, err := Generate(f, Meta{Package: "console", FontFile: "test.psf", Source: "a test", License: "Public domain.\n\nReally.", LicenseFile: "LICENSE"})
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^// Code generated .* DO NOT EDIT\.$`).Match(src) {
		t.Error("no 'Code generated ... DO NOT EDIT.' line")
	}
	if !bytes.Contains(src, []byte("//\tPublic domain.\n//\n//\tReally.\n")) {
		t.Error("the license is not in the header")
	}
	g := parseGenerated(t, src)
	c := g.consts
	if c["fontWidth"] != f.Width || c["fontHeight"] != f.Height || c["fontRowBytes"] != f.RowBytes || c["fontGlyphs"] != len(f.Glyphs) {
		t.Fatalf("constants %v", c)
	}
	if len(g.bitmap) != len(f.Glyphs) {
		t.Fatalf("%d glyphs generated, the font has %d", len(g.bitmap), len(f.Glyphs))
	}
	for i, bits := range f.Glyphs {
		if !bytes.Equal(g.bitmap[i], bits) {
			t.Fatalf("glyph %d differs", i)
		}
	}
	seen := map[rune]bool{}
	for gl, rs := range f.Runes {
		for _, r := range rs {
			if seen[r] {
				continue
			}
			seen[r] = true
			if got := Lookup(g.ranges, r); got != gl {
				t.Fatalf("%U: generated glyph %d, the font's is %d", r, got, gl)
			}
		}
	}
	n := 0
	for _, r := range g.ranges {
		n += r.Count
	}
	if n != len(seen) {
		t.Errorf("the ranges hold %d runes, the font %d", n, len(seen))
	}
	if fb := Lookup(g.ranges, 0xFFFD); fb >= 0 && c["fontFallback"] != fb {
		t.Errorf("fallback glyph %d, U+FFFD is %d", c["fontFallback"], fb)
	}
	return src
}

func TestGenerateRoundTrip(t *testing.T) {
	for _, data := range [][]byte{psf1(512, 16, table(512, false), true), psf2(300, 10, 20, table(300, true), true)} {
		f, err := ReadFont(data)
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, f)
	}
}

// The real font, when console-setup-linux is installed: it round-trips,
// covers what the console needs, and the checked-in font_data.go is what
// mkfont makes of it.
func TestRealFont(t *testing.T) {
	data, err := os.ReadFile(realFont)
	if err != nil {
		t.Skipf("%v (install console-setup-linux)", err)
	}
	f, err := ReadFont(data)
	if err != nil {
		t.Fatal(err)
	}
	if f.Version != 1 || f.Width != 8 || f.Height != 16 || len(f.Glyphs) != 512 {
		t.Errorf("PSF%d %dx%d, %d glyphs", f.Version, f.Width, f.Height, len(f.Glyphs))
	}
	roundTrip(t, f)
	rs := f.Ranges()
	for _, r := range []rune("abcxyzABCXYZ0189 !~äöüÄÖÜßéèàçñ£€¥§°±µ¿¡«»├─┤█░▒\uFFFD") {
		if Lookup(rs, r) < 0 {
			t.Errorf("%U %c not in the font", r, r)
		}
	}
	for r := rune(0x20); r <= 0xFF; r++ {
		if (r < 0x7F || r >= 0xA0) && Lookup(rs, r) < 0 {
			t.Errorf("%U %c (ASCII or Latin-1) not in the font", r, r)
		}
	}

	old, err := os.ReadFile(checkedIn)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`^// Code generated by tools/mkfont from \S+ \((.*)\)\. DO NOT EDIT\.\n`).FindSubmatch(old)
	if m == nil {
		t.Fatalf("%s: no generated-file header", checkedIn)
	}
	lic, err := readText(realLicense)
	if err != nil {
		t.Skipf("%v", err)
	}
	if lic, err = licenseSection(lic, "ter-u16n"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(lic, "SIL Open Font License") || !strings.Contains(lic, "Dimitar Toshkov Zhekov") {
		t.Errorf("license section:\n%s", lic)
	}
	src, err := Generate(f, Meta{Package: "console", FontFile: realFont, Source: string(m[1]), License: lic, LicenseFile: realLicense})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(src, old) {
		t.Errorf("%s is out of date: run go generate ./kernel/console", checkedIn)
	}
}

func TestLicenseSection(t *testing.T) {
	text := "intro\n\n== a.bdf b.bdf\n   c.bdf\n\nLicense C.\n\n== d.bdf\n\nLicense D.\n"
	for name, want := range map[string]string{
		"c.bdf": "== a.bdf b.bdf\n   c.bdf\n\nLicense C.",
		"a.bdf": "== a.bdf b.bdf\n   c.bdf\n\nLicense C.",
		"d.bdf": "== d.bdf\n\nLicense D.",
	} {
		got, err := licenseSection(text, name)
		if err != nil || got != want {
			t.Errorf("%s: %q, %v", name, got, err)
		}
	}
	if _, err := licenseSection(text, "intro"); err == nil {
		t.Error("found a section for text outside any")
	}
}
