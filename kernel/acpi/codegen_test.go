package acpi

import (
	"regexp"
	"strings"
	"testing"

	"gokernel/tools/codegen"
)

// codegenMain uses every exported function of the package from another
// package, as the kernel's boot code will, and keeps their bodies in the
// binary with func values (calls alone might all be inlined). physView is
// the Reader the kernel would pass Walk: unsafe.Slice over the identity
// map.
const codegenMain = `package main

import (
	"unsafe"

	"gokernel/kernel/acpi"
)

var (
	rsdp acpi.RSDP
	hdr  acpi.Header
	dir  acpi.Directory
	madt acpi.MADT
	fadt acpi.FADT
	hpet acpi.HPET
	mcfg acpi.MCFG
	sink uint64
)

var (
	parseRSDP   = acpi.ParseRSDP
	findRSDP    = acpi.FindRSDP
	rsdpRoot    = (*acpi.RSDP).Root
	parseHeader = acpi.ParseHeader
	checkTable  = acpi.CheckTable
	rootEntries = acpi.RootEntries
	rootEntry   = acpi.RootEntry
	walk        = acpi.Walk
	find        = (*acpi.Directory).Find
	usable      = (*acpi.TableInfo).Usable
	parseMADT   = acpi.ParseMADT
	pcat        = (*acpi.MADT).PCATCompat
	isaRoute    = acpi.ISARoute
	madtRoute   = (*acpi.MADT).ISARoute
	ioapicFor   = (*acpi.MADT).IOAPICFor
	polarity    = acpi.INTIFlags.Polarity
	trigger     = acpi.INTIFlags.Trigger
	activeLow   = acpi.INTIFlags.ActiveLow
	level       = acpi.INTIFlags.Level
	parseFADT   = acpi.ParseFADT
	has8042     = (*acpi.FADT).Has8042
	canReset    = (*acpi.FADT).ResetSupported
	hwReduced   = (*acpi.FADT).HardwareReduced
	port        = acpi.GAS.Port
	parseHPET   = acpi.ParseHPET
	parseMCFG   = acpi.ParseMCFG
	configAddr  = acpi.ECAM.ConfigAddr
	findS5      = acpi.FindS5
	errString   = acpi.Error.Error
)

//go:nosplit
func physView(pa, n uint64) []byte {
	if pa == 0 || pa >= 1<<32 || n > 1<<32-pa {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(uintptr(pa))), n)
}

func main() {
	b := physView(0xe0000, 0x20000)
	if off := findRSDP(b); off >= 0 && parseRSDP(b[off:], &rsdp) == acpi.OK {
		pa, x := rsdpRoot(&rsdp)
		t := physView(pa, 36)
		parseHeader(t, &hdr)
		t, _ = checkTable(physView(pa, uint64(hdr.Length)), "RSDT")
		for i := 0; i < rootEntries(t, x); i++ {
			sink += rootEntry(t, x, i)
		}
	}
	if walk(&rsdp, physView, &dir) != acpi.OK {
		return
	}
	if ti, ok := find(&dir, acpi.SigMADT); ok && usable(&ti) {
		parseMADT(physView(ti.Addr, uint64(ti.Length)), &madt)
		r := madtRoute(&madt, 0)
		_, pin, _ := ioapicFor(&madt, r.GSI)
		r = isaRoute(madt.Overrides[:1], 9)
		f := madt.Overrides[0].Flags
		println(pcat(&madt), pin, r.Level, polarity(f), trigger(f), activeLow(f), level(f))
	}
	if ti, ok := find(&dir, acpi.SigFADT); ok {
		parseFADT(physView(ti.Addr, uint64(ti.Length)), &fadt)
		p, _ := port(fadt.PMTimer)
		a, k := has8042(&fadt)
		println(p, a, k, canReset(&fadt), hwReduced(&fadt))
	}
	if ti, ok := find(&dir, acpi.SigHPET); ok {
		parseHPET(physView(ti.Addr, uint64(ti.Length)), &hpet)
	}
	if ti, ok := find(&dir, acpi.SigMCFG); ok {
		parseMCFG(physView(ti.Addr, uint64(ti.Length)), &mcfg)
		a, _ := configAddr(mcfg.ECAM[0], 0, 31, 0, 0)
		sink += a
	}
	if ti, ok := find(&dir, acpi.SigDSDT); ok {
		a, b, err := findS5(physView(ti.Addr, uint64(ti.Length)))
		println(a, b, errString(err))
	}
	println(sink)
}
`

// pureRoots are the package's functions that take only bytes and
// pointers: ring0check must find no runtime call from them beyond its
// allow-list, and no indirect call at all.
var pureRoots = []string{
	"ParseRSDP", "FindRSDP", "(*RSDP).Root",
	"ParseHeader", "CheckTable", "RootEntries", "RootEntry",
	"(*Directory).Find", "(*TableInfo).Usable",
	"ParseMADT", "(*MADT).PCATCompat", "ISARoute", "(*MADT).ISARoute", "(*MADT).IOAPICFor",
	"INTIFlags.Polarity", "INTIFlags.Trigger", "INTIFlags.ActiveLow", "INTIFlags.Level",
	"ParseFADT", "(*FADT).Has8042", "(*FADT).ResetSupported", "(*FADT).HardwareReduced", "GAS.Port",
	"ParseHPET", "ParseMCFG", "ECAM.ConfigAddr", "FindS5", "Error.Error",
}

// TestCodegen builds a linux/amd64 program that calls every exported
// function and runs tools/ring0check on it twice:
//
//   - from every function but Walk: the machine code they reach must make
//     no runtime call beyond the checker's allow-list (so no stack-growth
//     check, as they are nosplit; no write barrier; no allocation; no
//     panic, which means no bounds check the compiler could not prove
//     away) and no indirect call;
//   - from Walk and the program's physView: the same, except for exactly
//     one violation, the indirect call through the Reader in view, which
//     the checker cannot resolve because the function value arrives as a
//     parameter. physView, the target, is a root of this check, so its
//     code is checked too; in the kernel the Reader passed to Walk must be
//     a root of the kernel's own check.
//
// It needs the go command and skips with -short.
func TestCodegen(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program with the go command")
	}
	prog, _ := codegen.Build(t, codegenMain, "")

	var roots []string
	for _, r := range pureRoots {
		roots = append(roots, "gokernel/kernel/acpi."+r)
	}
	out, code := codegen.Ring0CheckResult(t, prog, roots...)
	if code != 0 {
		t.Fatalf("ring0check (pure functions): exit %d\n%s", code, out)
	}
	if !regexp.MustCompile(`runtime calls: (none|[a-zA-Z., ]+);`).MatchString(out) {
		t.Errorf("ring0check (pure functions): unexpected summary\n%s", out)
	}
	t.Logf("pure functions: %s", out)

	out, code = codegen.Ring0CheckResult(t, prog, "gokernel/kernel/acpi.Walk", "main.physView")
	if code != 1 {
		t.Fatalf("ring0check (Walk): exit %d, want 1 (the Reader call)\n%s", code, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !strings.HasPrefix(lines[0], "ring0check: FAIL: 1 violations") {
		t.Fatalf("ring0check (Walk): want exactly one violation\n%s", out)
	}
	if len(lines) < 2 || !regexp.MustCompile(`acpi\.view: unresolved indirect call at `).MatchString(lines[1]) {
		t.Fatalf("ring0check (Walk): the violation is not the Reader call in view\n%s", out)
	}
	t.Logf("Walk: %s", out)
}
