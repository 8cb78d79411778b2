package acpi

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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
	prog, checker := buildCodegen(t)

	var roots []string
	for _, r := range pureRoots {
		roots = append(roots, "gokernel/kernel/acpi."+r)
	}
	out, code := runChecker(t, checker, prog, roots)
	if code != 0 {
		t.Fatalf("ring0check (pure functions): exit %d\n%s", code, out)
	}
	if !regexp.MustCompile(`runtime calls: (none|[a-zA-Z., ]+);`).MatchString(out) {
		t.Errorf("ring0check (pure functions): unexpected summary\n%s", out)
	}
	t.Logf("pure functions: %s", out)

	out, code = runChecker(t, checker, prog, []string{"gokernel/kernel/acpi.Walk", "main.physView"})
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

// buildCodegen builds codegenMain (in directory codegencheck of this
// package, through -overlay, so nothing is written to the tree) and
// tools/ring0check, and returns their paths.
func buildCodegen(t *testing.T) (prog, checker string) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	moduleRoot := filepath.Join(wd, "..", "..")
	if _, err := os.Stat(filepath.Join(moduleRoot, "tools", "ring0check")); err != nil {
		t.Skip("tools/ring0check not found:", err)
	}
	tmp := t.TempDir()
	mainGo := filepath.Join(tmp, "main.go")
	if err := os.WriteFile(mainGo, []byte(codegenMain), 0o644); err != nil {
		t.Fatal(err)
	}
	overlay, _ := json.Marshal(map[string]map[string]string{
		"Replace": {filepath.Join(wd, "codegencheck", "main.go"): mainGo},
	})
	overlayFile := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(overlayFile, overlay, 0o644); err != nil {
		t.Fatal(err)
	}
	build := func(dir string, args ...string) {
		t.Helper()
		cmd := exec.Command(goCmd, append([]string{"build"}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	prog = filepath.Join(tmp, "prog")
	build(wd, "-overlay", overlayFile, "-o", prog, "./codegencheck")
	checker = filepath.Join(tmp, "ring0check")
	build(moduleRoot, "-o", checker, "./tools/ring0check")
	return prog, checker
}

// runChecker runs ring0check on prog with roots and returns its output
// and exit code.
func runChecker(t *testing.T, checker, prog string, roots []string) (string, int) {
	t.Helper()
	cmd := exec.Command(checker, "-roots", strings.Join(roots, ","), "-vectors", "", prog)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out), ee.ExitCode()
		}
		t.Fatalf("ring0check: %v\n%s", err, out)
	}
	return string(out), 0
}
