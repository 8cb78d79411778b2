package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"github.com/u-root/u-root/pkg/boot/multiboot"
)

// Multiboot 1 header (specification 0.6.96 §3.1.1):
//
//	0 magic 0x1BADB002, 4 flags, 8 checksum (magic+flags+checksum = 0)
//	12 header_addr, 16 load_addr, 20 load_end_addr, 24 bss_end_addr,
//	28 entry_addr                               (valid with flags bit 16)
//	32 mode_type, 36 width, 40 height, 44 depth (valid with flags bit 2)
const (
	mb1Magic       = 0x1BADB002
	mb1Search      = 8192 // §3.1: within the first 8192 bytes
	mb1Align       = 4    // §3.1: longword aligned
	mb1FlagVideo   = 1 << 2
	mb1FlagAOut    = 1 << 16
	mb1Unsupported = 0x0000FFF8 // mandatory bits no loader knows (§3.1.2)
)

// Multiboot2 header (specification 2.0 §3.1.1):
//
//	0 magic 0xE85250D6, 4 architecture, 8 header_length,
//	12 checksum (the four fields sum to 0), 16 tags
//
// Tags (§3.1.3): u16 type, u16 flags (bit 0: optional), u32 size, each
// 8-byte aligned, ended by type 0 size 8.
const (
	mb2Magic     = 0xE85250D6
	mb2Search    = 32768 // §3.1.1: within the first 32768 bytes
	mb2Align     = 8     // §3.1.1: 64-bit aligned
	mb2ArchI386  = 0
	mb2TagHeader = 8
	mb2Fixed     = 16
	mb2MaxTag    = 10 // highest header tag type GRUB 2.12 knows
)

var le = binary.LittleEndian

// MB1Header is a located Multiboot 1 header.
type MB1Header struct {
	Offset   int // file offset
	Flags    uint32
	Checksum uint32
	// a.out kludge fields, valid when Flags has bit 16.
	HeaderAddr, LoadAddr, LoadEndAddr, BSSEndAddr, EntryAddr uint32
}

// AOut reports whether the header carries load addresses (flags bit 16).
func (h *MB1Header) AOut() bool { return h.Flags&mb1FlagAOut != 0 }

// size is the number of header bytes the flags make meaningful.
func (h *MB1Header) size() int {
	switch {
	case h.Flags&mb1FlagVideo != 0:
		return 48
	case h.AOut():
		return 32
	}
	return 12
}

// FindMB1 locates the Multiboot 1 header as a loader does: the first
// 4-aligned magic in the first 8192 bytes whose checksum is right. A magic
// with a wrong checksum is skipped, as loaders skip it (the value also
// occurs as data, e.g. in the symbol table). When there is no header it
// explains why, most specific first: a valid header placed too late or
// misaligned, a magic with a wrong checksum, or no magic at all.
func FindMB1(img []byte) (*MB1Header, error) {
	badSum, far := -1, -1
	for off := 0; off+12 <= len(img); off += mb1Align {
		if le.Uint32(img[off:]) != mb1Magic {
			continue
		}
		flags, sum := le.Uint32(img[off+4:]), le.Uint32(img[off+8:])
		if mb1Magic+flags+sum != 0 {
			if off < mb1Search && badSum < 0 {
				badSum = off
			}
			continue
		}
		if off >= mb1Search {
			if far < 0 {
				far = off
			}
			continue
		}
		h := &MB1Header{Offset: off, Flags: flags, Checksum: sum}
		if off+h.size() > mb1Search {
			return nil, fmt.Errorf("header at %#x (%d bytes with flags %#x) does not end within the first %d bytes", off, h.size(), flags, mb1Search)
		}
		if off+h.size() > len(img) {
			return nil, fmt.Errorf("header at %#x (%d bytes with flags %#x) is cut off by the end of the file", off, h.size(), flags)
		}
		if h.AOut() {
			h.HeaderAddr = le.Uint32(img[off+12:])
			h.LoadAddr = le.Uint32(img[off+16:])
			h.LoadEndAddr = le.Uint32(img[off+20:])
			h.BSSEndAddr = le.Uint32(img[off+24:])
			h.EntryAddr = le.Uint32(img[off+28:])
		}
		return h, nil
	}
	if far >= 0 {
		return nil, fmt.Errorf("header at %#x is past the first %d bytes of the file, where loaders search", far, mb1Search)
	}
	if off := findUnaligned(img, mb1Magic, mb1Search, mb1Align, 12, func(b []byte) bool {
		return le.Uint32(b)+le.Uint32(b[4:])+le.Uint32(b[8:]) == 0
	}); off >= 0 {
		return nil, fmt.Errorf("header at %#x is not %d-byte aligned", off, mb1Align)
	}
	if badSum >= 0 {
		flags, sum := le.Uint32(img[badSum+4:]), le.Uint32(img[badSum+8:])
		return nil, fmt.Errorf("no valid header: the magic at %#x has checksum %#x, but magic+flags+checksum = %#x (want 0; with flags %#x the checksum should be %#x)",
			badSum, sum, uint32(mb1Magic+flags+sum), flags, uint32(-(mb1Magic + flags)))
	}
	return nil, fmt.Errorf("no valid header: no magic %#x in the first %d bytes", mb1Magic, mb1Search)
}

// findUnaligned returns the offset of a magic that is not align-aligned
// within the first limit bytes and whose n-byte header passes ok, or -1.
func findUnaligned(img []byte, magic uint32, limit, align, n int, ok func([]byte) bool) int {
	for off := 0; off+n <= len(img) && off < limit; off++ {
		if off%align != 0 && le.Uint32(img[off:]) == magic && ok(img[off:off+n]) {
			return off
		}
	}
	return -1
}

// LoadRange is where the a.out kludge puts the file in memory.
type LoadRange struct {
	FileOffset int64  // file offset of the byte loaded at LoadAddr
	LoadEnd    uint64 // effective load_end_addr (0 in the header: end of file)
	BSSEnd     uint64 // effective bss_end_addr (0 in the header: LoadEnd)
}

// ValidateAOut checks the a.out kludge addresses against the file, as
// §3.1.3 defines them and QEMU's and GRUB's loaders use them:
//   - load_addr <= header_addr, and the file offset of load_addr
//     (header offset - (header_addr - load_addr)) is not negative;
//   - load_end_addr (if not 0) >= load_addr, and load_end_addr - load_addr
//     bytes exist in the file from that offset;
//   - bss_end_addr is 0 or >= load_end_addr;
//   - entry_addr lies in [load_addr, load_end_addr).
func ValidateAOut(img []byte, h *MB1Header) (LoadRange, error) {
	var r LoadRange
	if h.LoadAddr > h.HeaderAddr {
		return r, fmt.Errorf("load_addr %#x is above header_addr %#x", h.LoadAddr, h.HeaderAddr)
	}
	r.FileOffset = int64(h.Offset) - int64(h.HeaderAddr-h.LoadAddr)
	if r.FileOffset < 0 {
		return r, fmt.Errorf("header_addr %#x - load_addr %#x = %#x exceeds the header's file offset %#x: load_addr would be before the start of the file",
			h.HeaderAddr, h.LoadAddr, h.HeaderAddr-h.LoadAddr, h.Offset)
	}
	avail := int64(len(img)) - r.FileOffset
	if h.LoadEndAddr == 0 {
		r.LoadEnd = uint64(h.LoadAddr) + uint64(avail)
	} else {
		if h.LoadEndAddr < h.LoadAddr {
			return r, fmt.Errorf("load_end_addr %#x is below load_addr %#x", h.LoadEndAddr, h.LoadAddr)
		}
		if n := int64(h.LoadEndAddr - h.LoadAddr); n > avail {
			return r, fmt.Errorf("load_end_addr %#x is beyond the end of the file: %#x bytes to load from file offset %#x, but the file has %#x",
				h.LoadEndAddr, n, r.FileOffset, avail)
		}
		r.LoadEnd = uint64(h.LoadEndAddr)
	}
	r.BSSEnd = r.LoadEnd
	if h.BSSEndAddr != 0 {
		if uint64(h.BSSEndAddr) < r.LoadEnd {
			return r, fmt.Errorf("bss_end_addr %#x is below load_end_addr %#x", h.BSSEndAddr, r.LoadEnd)
		}
		r.BSSEnd = uint64(h.BSSEndAddr)
	}
	if uint64(h.EntryAddr) < uint64(h.LoadAddr) || uint64(h.EntryAddr) >= r.LoadEnd {
		return r, fmt.Errorf("entry_addr %#x is outside the loaded range [%#x, %#x)", h.EntryAddr, h.LoadAddr, r.LoadEnd)
	}
	return r, nil
}

// isELF64 reports whether img starts with an ELFCLASS64 identification.
func isELF64(img []byte) bool {
	return len(img) > 4 && bytes.HasPrefix(img, []byte("\x7fELF")) && img[4] == 2
}

// CheckMultiboot1 runs check 1 and returns its summary.
func CheckMultiboot1(img []byte) (string, error) {
	h, err := FindMB1(img)
	if err != nil {
		return "", err
	}
	if u := h.Flags & mb1Unsupported; u != 0 {
		return "", fmt.Errorf("header at %#x sets mandatory flag bits %#x that no loader supports (flags %#x)", h.Offset, u, h.Flags)
	}
	if !h.AOut() {
		if isELF64(img) {
			return "", fmt.Errorf("header at %#x lacks flag bit 16 (a.out kludge): QEMU's -kernel multiboot loader refuses ELF64 files without load addresses", h.Offset)
		}
		return fmt.Sprintf("multiboot1 header at %#x (flags %#x, ELF loading)", h.Offset, h.Flags), nil
	}
	r, err := ValidateAOut(img, h)
	if err != nil {
		return "", fmt.Errorf("header at %#x: %w", h.Offset, err)
	}
	return fmt.Sprintf("multiboot1 header at %#x (a.out kludge: load %#x-%#x bss %#x entry %#x)",
		h.Offset, h.LoadAddr, r.LoadEnd, r.BSSEnd, h.EntryAddr), nil
}

// CheckUroot runs check 2: u-root's kexec multiboot loader's probe.
func CheckUroot(img []byte) (string, error) {
	if err := multiboot.Probe(bytes.NewReader(img)); err != nil {
		return "", fmt.Errorf("u-root multiboot.Probe rejects the image: %w", err)
	}
	return "multiboot1 u-root multiboot.Probe", nil
}

// MB2Tag is one Multiboot2 header tag.
type MB2Tag struct {
	Offset      int // from the header's start
	Type, Flags uint16
	Size        uint32
}

// MB2Header is a located Multiboot2 header.
type MB2Header struct {
	Offset       int // file offset
	Architecture uint32
	Length       uint32 // header_length
	Tags         []MB2Tag
}

// FindMB2 locates the Multiboot2 header: the first 8-aligned magic in the
// first 32768 bytes whose checksum is right, explaining failures as FindMB1
// does.
func FindMB2(img []byte) (*MB2Header, error) {
	badSum, far := -1, -1
	for off := 0; off+mb2Fixed <= len(img); off += mb2Align {
		if le.Uint32(img[off:]) != mb2Magic {
			continue
		}
		arch, length, sum := le.Uint32(img[off+4:]), le.Uint32(img[off+8:]), le.Uint32(img[off+12:])
		if mb2Magic+arch+length+sum != 0 {
			if off < mb2Search && badSum < 0 {
				badSum = off
			}
			continue
		}
		if off >= mb2Search {
			if far < 0 {
				far = off
			}
			continue
		}
		return &MB2Header{Offset: off, Architecture: arch, Length: length}, nil
	}
	if far >= 0 {
		return nil, fmt.Errorf("header at %#x is past the first %d bytes of the file, where loaders search", far, mb2Search)
	}
	if off := findUnaligned(img, mb2Magic, mb2Search, mb2Align, mb2Fixed, func(b []byte) bool {
		return le.Uint32(b)+le.Uint32(b[4:])+le.Uint32(b[8:])+le.Uint32(b[12:]) == 0
	}); off >= 0 {
		return nil, fmt.Errorf("header at %#x is not %d-byte aligned", off, mb2Align)
	}
	if badSum >= 0 {
		arch, length, sum := le.Uint32(img[badSum+4:]), le.Uint32(img[badSum+8:]), le.Uint32(img[badSum+12:])
		return nil, fmt.Errorf("no valid header: the magic at %#x has checksum %#x, but magic+architecture+header_length+checksum = %#x (want 0; the checksum should be %#x)",
			badSum, sum, uint32(mb2Magic+arch+length+sum), uint32(-(mb2Magic + arch + length)))
	}
	return nil, fmt.Errorf("no valid header: no magic %#x in the first %d bytes", uint32(mb2Magic), mb2Search)
}

// ParseMB2Tags checks h's extent and walks its tags into h.Tags.
func ParseMB2Tags(img []byte, h *MB2Header) error {
	if h.Architecture != mb2ArchI386 {
		return fmt.Errorf("header at %#x has architecture %d, want %d (i386)", h.Offset, h.Architecture, mb2ArchI386)
	}
	length := int64(h.Length)
	if length < mb2Fixed {
		return fmt.Errorf("header at %#x has header_length %d, less than its %d-byte fixed part", h.Offset, length, mb2Fixed)
	}
	if int64(h.Offset)+length > mb2Search {
		return fmt.Errorf("header at %#x with header_length %d does not end within the first %d bytes", h.Offset, length, mb2Search)
	}
	if int64(h.Offset)+length > int64(len(img)) {
		return fmt.Errorf("header at %#x with header_length %d is cut off by the end of the file", h.Offset, length)
	}
	hdr := img[h.Offset : h.Offset+int(length)]
	h.Tags = h.Tags[:0]
	for pos := mb2Fixed; ; {
		if pos%mb2Align != 0 { // cannot happen: pos only grows in aligned steps
			return fmt.Errorf("tag at header offset %#x is not %d-byte aligned", pos, mb2Align)
		}
		if pos+mb2TagHeader > len(hdr) {
			return fmt.Errorf("end tag missing: the tags reach header_length %d without a tag of type 0", length)
		}
		t := MB2Tag{Offset: pos, Type: le.Uint16(hdr[pos:]), Flags: le.Uint16(hdr[pos+2:]), Size: le.Uint32(hdr[pos+4:])}
		if t.Size < mb2TagHeader {
			return fmt.Errorf("tag type %d at header offset %#x has size %d, less than %d", t.Type, pos, t.Size, mb2TagHeader)
		}
		if int64(pos)+int64(t.Size) > length {
			return fmt.Errorf("tag type %d at header offset %#x with size %d runs past header_length %d", t.Type, pos, t.Size, length)
		}
		h.Tags = append(h.Tags, t)
		if t.Type == 0 {
			if t.Size != mb2TagHeader {
				return fmt.Errorf("end tag at header offset %#x has size %d, want %d", pos, t.Size, mb2TagHeader)
			}
			return nil
		}
		if t.Type > mb2MaxTag && t.Flags&1 == 0 {
			return fmt.Errorf("tag type %d at header offset %#x is unknown to loaders and not marked optional", t.Type, pos)
		}
		pos = (pos + int(t.Size) + mb2Align - 1) &^ (mb2Align - 1)
	}
}

var mb2TagNames = map[uint16]string{
	0: "end", 1: "information-request", 2: "address", 3: "entry-address",
	4: "console-flags", 5: "framebuffer", 6: "module-align",
	7: "efi-boot-services", 8: "efi-i386-entry", 9: "efi-amd64-entry",
	10: "relocatable",
}

// CheckMultiboot2 runs check 3 and returns its summary.
func CheckMultiboot2(img []byte) (string, error) {
	h, err := FindMB2(img)
	if err != nil {
		return "", err
	}
	if err := ParseMB2Tags(img, h); err != nil {
		return "", err
	}
	names := make([]string, len(h.Tags))
	for i, t := range h.Tags {
		n, ok := mb2TagNames[t.Type]
		if !ok {
			n = fmt.Sprintf("type-%d", t.Type)
		}
		if t.Flags&1 != 0 {
			n += "(optional)"
		}
		names[i] = n
	}
	return fmt.Sprintf("multiboot2 header at %#x (architecture i386, %d bytes, tags: %s)",
		h.Offset, h.Length, strings.Join(names, ", ")), nil
}

// grubFile is the program CheckGrubFile runs; tests may replace it.
var grubFile = "grub-file"

// GrubFileInstalled reports whether grub-file (or Fedora's grub2-file) is
// on PATH.
func GrubFileInstalled() bool {
	for _, n := range []string{grubFile, "grub2-file"} {
		if _, err := exec.LookPath(n); err == nil {
			return true
		}
	}
	return false
}

// CheckGrubFile runs check 4 for one protocol ("multiboot" or
// "multiboot2"): GRUB's own test of whether its loader accepts the file.
func CheckGrubFile(path, protocol string) (string, error) {
	name := grubFile
	if _, err := exec.LookPath(name); err != nil && name == "grub-file" {
		name = "grub2-file" // Fedora's spelling
	}
	bin, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%s not found (%v): install the Debian package grub-common (apt-get install grub-common)", grubFile, err)
	}
	opt := "--is-x86-" + protocol
	out, err := exec.Command(bin, opt, path).CombinedOutput()
	if err != nil {
		var ee *exec.ExitError
		msg := strings.TrimSpace(string(out))
		if msg != "" {
			msg = ": " + msg
		}
		if errors.As(err, &ee) {
			return "", fmt.Errorf("grub-file %s rejects the image (exit status %d)%s: GRUB's %s command would not load it",
				opt, ee.ExitCode(), msg, protocol)
		}
		return "", fmt.Errorf("running grub-file %s: %v%s", opt, err, msg)
	}
	return "grub-file " + opt, nil
}
