package main

import (
	"debug/elf"
	"debug/gosym"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Sym is a symbol of the ELF symbol table.
type Sym struct {
	Name       string
	Addr, Size uint64
	readOnly   bool // for unnamed data regions: in a read-only section
}

func (s *Sym) end() uint64 { return s.Addr + s.Size }

func (s *Sym) contains(a uint64) bool { return s.Addr <= a && a < s.end() }

type section struct {
	name       string
	addr, size uint64
	data       []byte // nil for NOBITS
	exec       bool
	writable   bool
}

// Binary is the part of a static Go ELF executable the checker reads.
type Binary struct {
	funcs    []*Sym // text symbols with a size, by address
	byName   map[string]*Sym
	objs     []*Sym // every other symbol (sized or not), by address
	secs     []*section
	funcdesc []*Sym              // the linker's go:funcdesc ranges (Size set to the range)
	closures map[uint64]*Sym     // symbols named "...·f", for toolchains that keep them
	lines    *gosym.Table        // nil without a usable .gopclntab
	wd       string              // file names below it are shown relative to it
	scanned  map[*Sym]*scanEntry // scan cache
	anon     map[uint64]*Sym     // unnamed data regions, by start
}

// Open reads the ELF file at path.
func Open(path string) (*Binary, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if f.Machine != elf.EM_X86_64 || f.Class != elf.ELFCLASS64 {
		return nil, fmt.Errorf("%s: not an x86-64 ELF64 file", path)
	}
	b := &Binary{byName: map[string]*Sym{}, closures: map[uint64]*Sym{}, scanned: map[*Sym]*scanEntry{}, anon: map[uint64]*Sym{}}
	b.wd = displayRoot()

	for _, s := range f.Sections {
		if s.Flags&elf.SHF_ALLOC == 0 || s.Addr == 0 {
			continue
		}
		sec := &section{name: s.Name, addr: s.Addr, size: s.Size,
			exec: s.Flags&elf.SHF_EXECINSTR != 0, writable: s.Flags&elf.SHF_WRITE != 0}
		if s.Type != elf.SHT_NOBITS {
			if sec.data, err = s.Data(); err != nil {
				return nil, fmt.Errorf("%s: section %s: %v", path, s.Name, err)
			}
		}
		b.secs = append(b.secs, sec)
	}

	syms, err := f.Symbols()
	if err != nil {
		return nil, fmt.Errorf("%s: %v (a stripped binary cannot be checked)", path, err)
	}
	for _, s := range syms {
		if s.Section == elf.SHN_UNDEF || int(s.Section) >= len(f.Sections) {
			continue
		}
		sec := f.Sections[s.Section]
		sym := &Sym{Name: s.Name, Addr: s.Value, Size: s.Size}
		if elf.ST_TYPE(s.Info) == elf.STT_FUNC && sec.Flags&elf.SHF_EXECINSTR != 0 && s.Size > 0 {
			b.funcs = append(b.funcs, sym)
			if _, dup := b.byName[s.Name]; !dup {
				b.byName[s.Name] = sym
			}
			continue
		}
		b.objs = append(b.objs, sym)
	}
	sort.SliceStable(b.funcs, func(i, j int) bool { return b.funcs[i].Addr < b.funcs[j].Addr })
	sort.SliceStable(b.objs, func(i, j int) bool { return b.objs[i].Addr < b.objs[j].Addr })

	// Static func values (pkg.F·f: a one-word funcval holding F's entry)
	// are laid out by the linker in one block that starts at the marker
	// go:funcdesc and that has no symbols of its own in the ELF table;
	// older toolchains name them individually.
	for i, s := range b.objs {
		switch {
		case s.Name == "go:funcdesc":
			end := s.Addr
			for _, n := range b.objs[i+1:] {
				if n.Addr > s.Addr {
					end = n.Addr
					break
				}
			}
			if sec := b.section(s.Addr); sec != nil && (end == s.Addr || end > sec.addr+sec.size) {
				end = sec.addr + sec.size
			}
			b.funcdesc = append(b.funcdesc, &Sym{Name: s.Name, Addr: s.Addr, Size: end - s.Addr})
		case strings.HasSuffix(s.Name, "·f"):
			b.closures[s.Addr] = s
		}
	}

	if pcln, text := f.Section(".gopclntab"), f.Section(".text"); pcln != nil && text != nil {
		if data, err := pcln.Data(); err == nil {
			if tab, err := gosym.NewTable(nil, gosym.NewLineTable(data, text.Addr)); err == nil {
				b.lines = tab
			}
		}
	}
	return b, nil
}

// displayRoot returns the directory that file names are shown relative to:
// the enclosing module's root (where go.mod is), else the working directory.
func displayRoot() string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := wd; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		up := filepath.Dir(d)
		if up == d {
			return wd
		}
		d = up
	}
}

func (b *Binary) section(a uint64) *section {
	for _, s := range b.secs {
		if s.addr <= a && a < s.addr+s.size {
			return s
		}
	}
	return nil
}

// bytes returns the file contents at [a, a+n), or nil if that range is not
// wholly inside one section with contents.
func (b *Binary) bytes(a, n uint64) []byte {
	s := b.section(a)
	if s == nil || s.data == nil || a+n > s.addr+uint64(len(s.data)) {
		return nil
	}
	return s.data[a-s.addr : a-s.addr+n]
}

func (b *Binary) word(a uint64) (uint64, bool) {
	p := b.bytes(a, 8)
	if p == nil {
		return 0, false
	}
	return binary.LittleEndian.Uint64(p), true
}

func (b *Binary) isText(a uint64) bool {
	s := b.section(a)
	return s != nil && s.exec
}

// funcAt returns the function whose code contains a.
func (b *Binary) funcAt(a uint64) *Sym {
	i := sort.Search(len(b.funcs), func(i int) bool { return b.funcs[i].Addr > a })
	if i > 0 && b.funcs[i-1].contains(a) {
		return b.funcs[i-1]
	}
	return nil
}

// objAt returns the data symbol that contains a. The linker leaves some
// data out of the symbol table (the arrays behind statically initialised
// slices, the compiler's jump tables, ...): for an address in data that no
// sized symbol covers, objAt returns an unnamed region from a up to the
// next symbol or the end of the section, which holds at least the datum a
// points to.
func (b *Binary) objAt(a uint64) *Sym {
	i := sort.Search(len(b.objs), func(i int) bool { return b.objs[i].Addr > a })
	// Look back past zero-sized markers (runtime.data, go:string.*, ...)
	// that may share or follow the containing symbol's address.
	for j := i - 1; j >= 0 && j >= i-16; j-- {
		if b.objs[j].contains(a) {
			return b.objs[j]
		}
	}
	if s := b.anon[a]; s != nil {
		return s
	}
	if i > 0 && b.objs[i-1].Size == 0 && strings.HasPrefix(b.objs[i-1].Name, "go:string") {
		return nil // string bytes: no pointers
	}
	sec := b.section(a)
	if sec == nil || sec.exec || sec.data == nil {
		return nil
	}
	for _, r := range b.funcdesc {
		if r.contains(a) {
			return nil
		}
	}
	end := sec.addr + uint64(len(sec.data))
	for ; i < len(b.objs); i++ {
		if n := b.objs[i].Addr; n > a {
			end = min(end, n)
			break
		}
	}
	s := &Sym{Name: fmt.Sprintf("<unnamed data at %#x>", a), Addr: a, Size: end - a, readOnly: !sec.writable}
	b.anon[a] = s
	return s
}

// funcval returns the function a static func value at a refers to, with a
// name for the func value, or nil if a is not a static func value.
func (b *Binary) funcval(a uint64) (fn *Sym, name string) {
	cl := b.closures[a]
	if cl == nil {
		in := false
		for _, r := range b.funcdesc {
			in = in || r.contains(a)
		}
		if !in {
			return nil, ""
		}
	}
	w, ok := b.word(a)
	if !ok {
		return nil, ""
	}
	fn = b.funcAt(w)
	if fn == nil || fn.Addr != w {
		return nil, ""
	}
	if cl != nil {
		return fn, cl.Name
	}
	return fn, fn.Name + "·f"
}

// pos returns "file:line" for pc, or "".
func (b *Binary) pos(pc uint64) string {
	if b.lines == nil {
		return ""
	}
	file, line, fn := b.lines.PCToLine(pc)
	if fn == nil || file == "" {
		return ""
	}
	if b.wd != "" {
		if rel, err := filepath.Rel(b.wd, file); err == nil && !strings.HasPrefix(rel, "..") {
			file = rel
		}
	}
	return fmt.Sprintf("%s:%d", file, line)
}

// at formats a code address with its source position: "0x1234 [f.go:12]".
func (b *Binary) at(pc uint64) string {
	if p := b.pos(pc); p != "" {
		return fmt.Sprintf("%#x [%s]", pc, p)
	}
	return fmt.Sprintf("%#x", pc)
}

// where formats a code address in fn: "0x1234 in pkg.F [f.go:12]".
func (b *Binary) where(pc uint64, fn *Sym) string {
	s := fmt.Sprintf("%#x in %s", pc, fn.Name)
	if p := b.pos(pc); p != "" {
		s += " [" + p + "]"
	}
	return s
}

// lookup returns the symbols a root name stands for: the name itself and
// its ABI variants (assembly is pkg.F.abi0; a Go function called from
// assembly also has an ABI0 wrapper pkg.F.abi0 beside its body pkg.F).
func (b *Binary) lookup(name string) []*Sym {
	var out []*Sym
	for _, n := range []string{name, name + ".abi0", name + ".abiinternal"} {
		if s := b.byName[n]; s != nil {
			out = append(out, s)
		}
	}
	return out
}
