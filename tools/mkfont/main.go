// Command mkfont turns a PC Screen Font (PSF1 or PSF2, gzip-compressed or
// not) into kernel/console/font_data.go: the glyph bitmaps as one
// statically initialised byte array, and the font's Unicode table as a
// sorted array of rune ranges the console searches without allocating.
//
// The kernel's font is Terminus from Debian's console-setup-linux package;
// kernel/console/font.go holds the go:generate line:
//
//	go run ./tools/mkfont -font /usr/share/consolefonts/Uni2-Terminus16.psf.gz \
//	    -license /usr/share/doc/console-setup-linux/copyright.fonts.gz \
//	    -license-section ter-u16n -o kernel/console/font_data.go
//
// -license names the file with the font's license (plain or gzip); with
// -license-section it is a Debian copyright file of "== file names"
// sections, and the section naming that font is copied. The text goes into
// the generated file's header, as the license asks. -source names the
// Debian package the font came from; by default dpkg-query is asked.
package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"unicode"
)

func main() {
	font := flag.String("font", "", "PSF font file (.psf or .psf.gz)")
	license := flag.String("license", "", "file with the font's license (plain or .gz)")
	section := flag.String("license-section", "", "copy only the '== ...' section of -license that names this font")
	source := flag.String("source", "", "the package the font comes from (default: ask dpkg-query)")
	out := flag.String("o", "", "output file (default: standard output)")
	pkg := flag.String("pkg", "console", "package name of the generated file")
	flag.Parse()
	if *font == "" || *license == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: mkfont -font FILE.psf[.gz] -license FILE [-license-section NAME] [-source PKG] [-o OUT.go]")
		os.Exit(2)
	}
	if err := run(*font, *license, *section, *source, *out, *pkg); err != nil {
		fmt.Fprintln(os.Stderr, "mkfont:", err)
		os.Exit(1)
	}
}

func run(fontPath, licensePath, section, source, out, pkg string) error {
	data, err := os.ReadFile(fontPath)
	if err != nil {
		return err
	}
	f, err := ReadFont(data)
	if err != nil {
		return fmt.Errorf("%s: %w", fontPath, err)
	}
	lic, err := readText(licensePath)
	if err != nil {
		return err
	}
	if section != "" {
		if lic, err = licenseSection(lic, section); err != nil {
			return fmt.Errorf("%s: %w", licensePath, err)
		}
	}
	if source == "" {
		source = debianPackage(fontPath)
	}
	src, err := Generate(f, Meta{
		Package:     pkg,
		FontFile:    fontPath,
		Source:      source,
		License:     lic,
		LicenseFile: licensePath,
	})
	if err != nil {
		return err
	}
	if out == "" {
		_, err = os.Stdout.Write(src)
		return err
	}
	return os.WriteFile(out, src, 0o644)
}

// readText reads a file, gunzipping it if it is compressed.
func readText(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	if len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return "", fmt.Errorf("%s: %w", path, err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			return "", fmt.Errorf("%s: %w", path, err)
		}
	}
	return string(b), nil
}

// licenseSection returns the section of a Debian copyright.fonts file
// whose "== name name ..." header (which may go on over indented lines)
// mentions name, header included.
func licenseSection(text, name string) (string, error) {
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "== ") {
			continue
		}
		j := i + 1
		for j < len(lines) && strings.HasPrefix(lines[j], " ") && strings.TrimSpace(lines[j]) != "" {
			j++
		}
		if !strings.Contains(strings.Join(lines[i:j], " "), name) {
			continue
		}
		k := j
		for k < len(lines) && !strings.HasPrefix(lines[k], "== ") {
			k++
		}
		return strings.TrimSpace(strings.Join(lines[i:k], "\n")), nil
	}
	return "", fmt.Errorf("no '== ' section names %q", name)
}

// debianPackage names the installed Debian package that holds path, with
// its version, or says it is unknown.
func debianPackage(path string) string {
	if abs, err := filepath.EvalSymlinks(path); err == nil {
		path = abs
	}
	b, err := exec.Command("dpkg-query", "-S", path).Output()
	if err != nil {
		return "an unknown package"
	}
	name, _, ok := strings.Cut(strings.TrimSpace(string(b)), ":")
	if !ok || strings.ContainsAny(name, ", ") {
		return "an unknown package"
	}
	v, err := exec.Command("dpkg-query", "-W", "-f", "${Version}", name).Output()
	if err != nil || len(v) == 0 {
		return "Debian package " + name
	}
	return "Debian package " + name + " " + string(v)
}

// Meta is what the generated file's header says about the font.
type Meta struct {
	Package     string
	FontFile    string
	Source      string // "Debian package console-setup-linux 1.221"
	License     string
	LicenseFile string
}

// fallbackRunes are tried in order for the glyph shown for runes the font
// lacks.
var fallbackRunes = []rune{'\uFFFD', '?'}

// Generate returns the Go source of font_data.go for f.
func Generate(f *Font, m Meta) ([]byte, error) {
	if f.Runes == nil {
		return nil, errors.New("the font has no Unicode table")
	}
	if len(f.Glyphs) > 0xFFFF {
		return nil, fmt.Errorf("%d glyphs: the lookup table holds 16-bit glyph numbers", len(f.Glyphs))
	}
	ranges := f.Ranges()
	fallback, fallbackRune := 0, rune(-1)
	for _, r := range fallbackRunes {
		if g := Lookup(ranges, r); g >= 0 {
			fallback, fallbackRune = g, r
			break
		}
	}
	nrunes := 0
	for _, r := range ranges {
		nrunes += r.Count
	}

	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("// Code generated by tools/mkfont from %s (%s). DO NOT EDIT.\n", filepath.Base(m.FontFile), m.Source)
	p("\n")
	p("// Font: %s, PSF%d, %d glyphs of %dx%d pixels, %d code points in %d ranges;\n",
		m.FontFile, f.Version, len(f.Glyphs), f.Width, f.Height, nrunes, len(ranges))
	p("// %s.\n", coverage(ranges))
	p("//\n")
	p("// Its license, from %s:\n", m.LicenseFile)
	p("//\n")
	for _, line := range strings.Split(m.License, "\n") {
		line = strings.TrimRight(line, " \t\r")
		if line == "" {
			p("//\n")
		} else {
			p("//\t%s\n", line)
		}
	}
	p("\n")
	p("package %s\n\n", m.Package)
	p("const (\n")
	p("\tfontWidth      = %d // pixels\n", f.Width)
	p("\tfontHeight     = %d // pixels\n", f.Height)
	p("\tfontRowBytes   = %d // bytes per glyph row, the leftmost pixel in the top bit\n", f.RowBytes)
	p("\tfontGlyphBytes = fontRowBytes * fontHeight\n")
	p("\tfontGlyphs     = %d\n", len(f.Glyphs))
	if fallbackRune >= 0 {
		p("\tfontFallback   = %d // the glyph of %s, for runes the font lacks\n", fallback, runeName(fallbackRune))
	} else {
		p("\tfontFallback   = 0 // the font has neither U+FFFD nor '?'\n")
	}
	p(")\n\n")

	p("// fontBitmap holds the glyphs in the font's order: fontHeight rows of\n")
	p("// fontRowBytes bytes each.\n")
	p("var fontBitmap = [fontGlyphs][fontGlyphBytes]byte{\n")
	for g, bits := range f.Glyphs {
		p("\t{")
		for i, v := range bits {
			if i > 0 {
				p(", ")
			}
			p("0x%02x", v)
		}
		p("}, // %d", g)
		for i, r := range f.Runes[g] {
			if i == 3 {
				p(" ...")
				break
			}
			p(" %s", runeName(r))
		}
		p("\n")
	}
	p("}\n\n")

	p("// fontRanges maps runes to glyphs: range i maps n runes from lo to the\n")
	p("// glyphs from glyph. Sorted by lo, not overlapping.\n")
	p("var fontRanges = [%d]fontRange{\n", len(ranges))
	for _, r := range ranges {
		p("\t{0x%04x, %d, %d}, // %s", r.Lo, r.Count, r.Glyph, runeName(r.Lo))
		if r.Count > 1 {
			p("..%s", runeName(r.Lo+rune(r.Count-1)))
		}
		p("\n")
	}
	p("}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("formatting the output: %w", err)
	}
	return src, nil
}

// runeName is U+XXXX, followed by the character when it is printable.
func runeName(r rune) string {
	s := fmt.Sprintf("U+%04X", r)
	if unicode.IsPrint(r) && r != ' ' {
		s += " " + string(r)
	}
	return s
}

// coverage names the blocks the font covers completely, the ones the
// console cares about.
func coverage(ranges []Range) string {
	blocks := []struct {
		name   string
		lo, hi rune
	}{
		{"ASCII", 0x20, 0x7E},
		{"Latin-1", 0xA0, 0xFF},
		{"Latin Extended-A", 0x100, 0x17F},
		{"Greek", 0x391, 0x3C9},
		{"Cyrillic", 0x410, 0x44F},
		{"box drawing", 0x2500, 0x257F},
		{"block elements", 0x2580, 0x259F},
	}
	var have, lack []string
	for _, bl := range blocks {
		all := true
		for r := bl.lo; r <= bl.hi && all; r++ {
			if r == 0x3A2 { // Greek: no capital final sigma exists
				continue
			}
			all = Lookup(ranges, r) >= 0
		}
		if all {
			have = append(have, bl.name)
		} else {
			lack = append(lack, bl.name)
		}
	}
	for _, r := range []rune{'€', '\uFFFD'} {
		if Lookup(ranges, r) >= 0 {
			have = append(have, string(r))
		} else {
			lack = append(lack, string(r))
		}
	}
	s := "covers " + strings.Join(have, ", ")
	if len(lack) > 0 {
		s += "; not all of " + strings.Join(lack, ", ")
	}
	return s
}
