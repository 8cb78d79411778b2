package policy

import (
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The layout's rules (README.md, "How it fits together"):
//
//   - task/ and keyboard/ are pure: they import no kernel package and no
//     hardware package (gokernel/arch), so they test on the host.
//   - Drivers (kernel/dev/CHIP) import nothing above them: only arch, the
//     pure task packages and other drivers.
//   - Port I/O (arch.Inb and friends) happens only in drivers, and a
//     chip's ports and MMIO addresses are named only in its own driver:
//     the one place its register map is written.

// chips maps each driver package to the I/O ports and physical MMIO
// addresses of its chip.
var chips = map[string]struct{ ports, mmio []uint64 }{
	"kernel/dev/uart":      {ports: span(0x3F8, 0x3FF)},
	"kernel/dev/pit":       {ports: append(span(0x40, 0x43), 0x61)},
	"kernel/dev/pic":       {ports: []uint64{0x20, 0x21, 0xA0, 0xA1}},
	"kernel/dev/ps2":       {ports: []uint64{0x60, 0x64}},
	"kernel/dev/vga":       {ports: []uint64{0x3D4, 0x3D5}, mmio: []uint64{0xB8000}},
	"kernel/dev/rtc":       {ports: []uint64{0x70, 0x71}},
	"kernel/dev/chipset":   {ports: []uint64{0xCF9, 0x80}},
	"kernel/dev/debugexit": {ports: []uint64{0xF4}},
	// CONFIG_ADDRESS is a dword at 0xCF8, but byte port 0xCF9 is the
	// chipset's reset control register.
	"kernel/dev/pci": {ports: append([]uint64{0xCF8}, span(0xCFC, 0xCFF)...)},
	// The APICs' and the HPET's usual addresses: the firmware's tables
	// give them, and only the driver may assume one.
	"kernel/dev/lapic":  {mmio: []uint64{0xFEE00000}},
	"kernel/dev/ioapic": {mmio: []uint64{0xFEC00000}},
	"kernel/dev/hpet":   {mmio: []uint64{0xFED00000}},
}

func span(lo, hi uint64) []uint64 {
	var s []uint64
	for p := lo; p <= hi; p++ {
		s = append(s, p)
	}
	return s
}

// pkgFile is a parsed non-test Go file with its package directory.
type pkgFile struct {
	dir  string // relative to the module root, slash-separated
	name string
	f    *ast.File
}

func goFiles(t *testing.T, under ...string) []pkgFile {
	t.Helper()
	var out []pkgFile
	fset := token.NewFileSet()
	for rel, src := range files(t, ".go") {
		rel = filepath.ToSlash(rel)
		if strings.HasSuffix(rel, "_test.go") {
			continue
		}
		keep := false
		for _, u := range under {
			keep = keep || strings.HasPrefix(rel, u+"/")
		}
		if !keep {
			continue
		}
		f, err := parser.ParseFile(fset, rel, src, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		full, err := parser.ParseFile(fset, rel, src, 0)
		if err == nil {
			f = full
		}
		out = append(out, pkgFile{path.Dir(rel), rel, f})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func imports(f *ast.File) []string {
	var out []string
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		out = append(out, p)
	}
	return out
}

func TestImportDirections(t *testing.T) {
	for _, f := range goFiles(t, "task", "keyboard") {
		for _, p := range imports(f.f) {
			if strings.HasPrefix(p, "gokernel/kernel") || p == "gokernel/arch" {
				t.Errorf("%s imports %s: task/ and keyboard/ import no kernel or hardware package", f.name, p)
			}
		}
	}
	for _, f := range goFiles(t, "kernel/dev") {
		for _, p := range imports(f.f) {
			if !strings.HasPrefix(p, "gokernel/") {
				continue
			}
			ok := p == "gokernel/arch" || strings.HasPrefix(p, "gokernel/task") || strings.HasPrefix(p, "gokernel/kernel/dev/")
			if !ok {
				t.Errorf("%s imports %s: a driver imports only arch, task/... and other drivers", f.name, p)
			}
		}
	}
}

// isPortIO reports whether call is arch.Inb/Inw/Inl/Outb/Outw/Outl.
func isPortIO(call *ast.CallExpr) bool {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	if !ok || x.Name != "arch" {
		return false
	}
	switch sel.Sel.Name {
	case "Inb", "Inw", "Inl", "Outb", "Outw", "Outl":
		return true
	}
	return false
}

// constValues evaluates the package-level and local integer constants of
// a driver package whose values are literals or sums of them.
func constValues(files []pkgFile) map[string]uint64 {
	vals := map[string]uint64{}
	var eval func(e ast.Expr) (uint64, bool)
	eval = func(e ast.Expr) (uint64, bool) {
		switch e := e.(type) {
		case *ast.BasicLit:
			if e.Kind == token.INT {
				v, ok := constant.Uint64Val(constant.MakeFromLiteral(e.Value, e.Kind, 0))
				return v, ok
			}
		case *ast.Ident:
			v, ok := vals[e.Name]
			return v, ok
		case *ast.ParenExpr:
			return eval(e.X)
		case *ast.BinaryExpr:
			a, ok1 := eval(e.X)
			b, ok2 := eval(e.Y)
			if ok1 && ok2 && e.Op == token.ADD {
				return a + b, true
			}
		}
		return 0, false
	}
	for pass := 0; pass < 3; pass++ { // constants may refer to later ones
		for _, f := range files {
			ast.Inspect(f.f, func(n ast.Node) bool {
				g, ok := n.(*ast.GenDecl)
				if !ok || g.Tok != token.CONST {
					return true
				}
				for _, s := range g.Specs {
					vs := s.(*ast.ValueSpec)
					for i, name := range vs.Names {
						if i < len(vs.Values) {
							if v, ok := eval(vs.Values[i]); ok {
								vals[name.Name] = v
							}
						}
					}
				}
				return true
			})
		}
	}
	return vals
}

// TestDriverRule checks that only drivers do port I/O, that each driver's
// port I/O uses its own chip's ports, and that chips' distinctive numbers
// (ports above 0xFF, MMIO addresses) appear nowhere else in the kernel.
func TestDriverRule(t *testing.T) {
	all := goFiles(t, "kernel", "arch")
	byDir := map[string][]pkgFile{}
	for _, f := range all {
		byDir[f.dir] = append(byDir[f.dir], f)
	}
	owner := map[uint64]string{}
	for dir, c := range chips {
		for _, p := range c.ports {
			owner[p] = dir
		}
		for _, a := range c.mmio {
			owner[a] = dir
		}
	}
	for dir, files := range byDir {
		vals := constValues(files)
		for _, f := range files {
			ast.Inspect(f.f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					if !isPortIO(n) || len(n.Args) == 0 {
						return true
					}
					if !strings.HasPrefix(dir, "kernel/dev/") {
						t.Errorf("%s: port I/O outside the driver layer (kernel/dev/...)", f.name)
						return true
					}
					port, ok := portOf(n.Args[0], vals)
					if !ok {
						return true // a variable: a helper's parameter within the driver
					}
					if o := owner[port]; o != dir {
						t.Errorf("%s: port %#x belongs to %s, not to %s", f.name, port, orNone(o), dir)
					}
				case *ast.BasicLit:
					if n.Kind != token.INT {
						return true
					}
					v, ok := constant.Uint64Val(constant.MakeFromLiteral(n.Value, n.Kind, 0))
					if !ok || v <= 0xFF || !strings.HasPrefix(strings.ToLower(n.Value), "0x") {
						return true
					}
					if o, named := owner[v]; named && o != dir {
						t.Errorf("%s: %s is a register of %s, named only there", f.name, n.Value, o)
					}
				}
				return true
			})
		}
	}
}

// portOf evaluates a port expression: a constant, or a sum of constants.
func portOf(e ast.Expr, vals map[string]uint64) (uint64, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		return constant.Uint64Val(constant.MakeFromLiteral(e.Value, e.Kind, 0))
	case *ast.Ident:
		v, ok := vals[e.Name]
		return v, ok
	case *ast.ParenExpr:
		return portOf(e.X, vals)
	case *ast.BinaryExpr:
		a, ok1 := portOf(e.X, vals)
		b, ok2 := portOf(e.Y, vals)
		return a + b, ok1 && ok2 && e.Op == token.ADD
	}
	return 0, false
}

func orNone(s string) string {
	if s == "" {
		return "no chip the policy knows (add it to chips)"
	}
	return s
}

// TestUnsafePointers: the kernel turns integer addresses into pointers in
// one place, arch.Ptr, which says why that is safe for kernel addresses;
// go vet (run by make test) rejects the plain conversion anywhere, and
// this test rejects copies of arch.Ptr's way around vet's check.
func TestUnsafePointers(t *testing.T) {
	for p, src := range files(t, ".go") {
		p = filepath.ToSlash(p)
		if p == "arch/ptr.go" || p == "tools/policy/layout_test.go" {
			continue
		}
		if strings.Contains(src, "(*unsafe.Pointer)(unsafe.Pointer(&") {
			t.Errorf("%s converts an integer to a pointer through memory: use arch.Ptr", p)
		}
	}
}
