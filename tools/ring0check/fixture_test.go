package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The fixture program (testdata/fixture) is built once per test run as a
// linux/amd64 executable, with two sets of generated interrupt stubs:
// vectors (right) and badVectors (with the mistakes listed in badStubs).

var (
	fixtureOnce sync.Once
	fixtureDir  string
	fixtureELF  string
	fixtureErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fixtureDir != "" {
		os.RemoveAll(fixtureDir)
	}
	os.Exit(code)
}

// badStubs maps a vector to the stub badVectors has for it instead of the
// right one, and to the problem the checker must report.
var badStubs = map[int]struct{ stub, want string }{
	9:   {"ERR(9)", "pushes 9 as the zero error code"},                    // missing zero push
	14:  {"NOERR(14)", "pushes 0 as the vector number, want 14 (the CPU"}, // extra push
	37:  {"PCALIGN $16; BYTE $0x6A; BYTE $0x00; BYTE $0x68; LONG $37; JMP ·vectors(SB)", "not to the common entry"},
	200: {"PCALIGN $16; BYTE $0x6A; BYTE $0x00; BYTE $0x6A; BYTE $0xC8; JMP ·trapCommon(SB)", "pushes -56 as the vector number, want 200"},
}

// vectorsAsm generates the stubs the way tools/genvectors does.
func vectorsAsm() string {
	var sb strings.Builder
	sb.WriteString(`#include "textflag.h"

#define NOERR(n) PCALIGN $16; BYTE $0x6A; BYTE $0x00; BYTE $0x68; LONG $n; JMP ·trapCommon(SB)
#define ERR(n) PCALIGN $16; BYTE $0x68; LONG $n; JMP ·trapCommon(SB)
`)
	for _, name := range []string{"vectors", "badVectors"} {
		fmt.Fprintf(&sb, "\nTEXT ·%s(SB),NOSPLIT|NOFRAME,$0\n", name)
		for v := 0; v < numVectors; v++ {
			stub := fmt.Sprintf("NOERR(%d)", v)
			if cpuErrorCode(v) {
				stub = fmt.Sprintf("ERR(%d)", v)
			}
			if bad, ok := badStubs[v]; ok && name == "badVectors" {
				stub = bad.stub
			}
			fmt.Fprintf(&sb, "\t%s\n", stub)
		}
	}
	return sb.String()
}

func buildFixture() (string, error) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "ring0check-fixture")
	if err != nil {
		return "", err
	}
	fixtureDir = dir
	files, err := filepath.Glob("testdata/fixture/*")
	if err != nil {
		return "", err
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), data, 0o644); err != nil {
			return "", err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module fixture\n\ngo 1.26\n"), 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "vectors_amd64.s"), []byte(vectorsAsm()), 0o644); err != nil {
		return "", err
	}
	elfPath := filepath.Join(dir, "fixture.elf")
	cmd := exec.Command(goCmd, "build", "-o", elfPath, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0",
		"GOTOOLCHAIN=local", "GOWORK=off", "GOFLAGS=-buildvcs=false")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the fixture: %v\n%s", err, out)
	}
	return elfPath, nil
}

func fixture(t *testing.T) *Binary {
	t.Helper()
	fixtureOnce.Do(func() { fixtureELF, fixtureErr = buildFixture() })
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	b, err := Open(fixtureELF)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestCleanFixture(t *testing.T) {
	b := fixture(t)
	// The fixture is laid out like the kernel: stubs jump to trapCommon,
	// which calls dispatch through LEAQ ·dispatch(SB), AX; CALL AX.
	res, err := Check(b, Config{
		Roots:      []string{"main.vectors", "main.trapCommon"},
		Vectors:    "main.vectors",
		TrapCommon: "main.trapCommon",
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range res.Violations {
		t.Errorf("unexpected violation:\n%s", v)
	}
	t.Log(res.Summary())
	for _, fn := range []string{
		"main.vectors.abi0", "main.trapCommon.abi0",
		"main.dispatch.abi0", "main.dispatch", // the ABI0 wrapper and the body
		"main.clean", "main.helper", "main.cleanSlice", "main.cleanSwitch",
		"main.fa", "main.fb", "main.fc", "main.fd", // through the tables
	} {
		if !contains(res.Reachable, fn) {
			t.Errorf("%s not reachable; reachable: %v", fn, res.Reachable)
		}
	}
	for _, fn := range res.Reachable {
		if strings.HasPrefix(fn, "main.bad") || fn == "main.handlerBad" {
			t.Errorf("%s reachable from the clean roots", fn)
		}
	}
	if got := strings.Join(res.RuntimeCalls, ","); got != "runtime.memequal,runtime.memmove" {
		t.Errorf("runtime calls %q, want runtime.memequal (string ==) and runtime.memmove (copy)", got)
	}
	// The allowed runtime functions are checked too: memequal's tail
	// jump to its helper is followed.
	if !contains(res.Reachable, "memeqbody") {
		t.Errorf("memequal's helper memeqbody not followed; reachable: %v", res.Reachable)
	}
	want := map[string]string{
		"main.table":      "main.fa,main.fb,main.fc,main.fd",
		"main.sliceTable": "main.fb,main.fc",
	}
	for _, tab := range res.Tables {
		if w, ok := want[tab.Name]; ok {
			if got := strings.Join(tab.Handlers, ","); got != w {
				t.Errorf("table %s: handlers %s, want %s", tab.Name, got, w)
			}
			delete(want, tab.Name)
		}
	}
	for name := range want {
		t.Errorf("table %s not found; tables: %v", name, res.Tables)
	}
	if res.VectorStubs != numVectors {
		t.Errorf("%d vector stubs checked, want %d", res.VectorStubs, numVectors)
	}
	if s := res.Summary(); !strings.Contains(s, "from 2 roots; runtime calls: runtime.memequal, runtime.memmove; tables: main.sliceTable (2 handlers), main.table (4 handlers); vectors: 256 stubs ok") {
		t.Errorf("summary %q", s)
	}
}

func TestBadFixture(t *testing.T) {
	b := fixture(t)
	for _, tc := range []struct {
		root    string
		kind    string
		callees []string // acceptable callees, by prefix (the compiler's choice)
		chain   string   // from the root to the function with the bad code
	}{
		// Go 1.26 reports failed bounds checks through panicBounds; older
		// compilers called panicIndex.
		{"main.badIndex", "runtime call", []string{"runtime.panicIndex", "runtime.panicBounds"}, "main.badIndex"},
		{"main.badChain", "runtime call", []string{"runtime.panicIndex", "runtime.panicBounds"},
			"main.badChain -> main.middle -> main.badIndex"},
		{"main.badAlloc", "runtime call", []string{"runtime.newobject"}, "main.badAlloc"},
		{"main.badWriteBarrier", "runtime call", []string{"runtime.gcWriteBarrier"}, "main.badWriteBarrier"},
		{"main.badSplit", "runtime call", []string{"runtime.morestack"}, "main.badSplit"},
		{"main.badIndirect", "indirect call", nil, "main.badIndirect"},
		{"main.tableRoot", "runtime call", []string{"runtime.makeslice"}, "main.tableRoot -> main.handlerBad"},
		{"main.tableRoot", "runtime call", []string{"runtime.gcWriteBarrier"}, "main.tableRoot -> main.handlerBad"},
	} {
		name := strings.TrimPrefix(tc.root, "main.")
		if len(tc.callees) > 0 {
			name += "->" + strings.TrimPrefix(tc.callees[0], "runtime.")
		}
		t.Run(name, func(t *testing.T) {
			res, err := Check(b, Config{Roots: []string{tc.root}})
			if err != nil {
				t.Fatal(err)
			}
			if res.OK() {
				t.Fatalf("no violation found; %s", res.Summary())
			}
			var found *Violation
			for i, v := range res.Violations {
				t.Logf("%s", v)
				if v.Kind != tc.kind || v.chain() != tc.chain {
					continue
				}
				if tc.kind == "indirect call" {
					found = &res.Violations[i]
					continue
				}
				for _, c := range tc.callees {
					if strings.HasPrefix(v.Callee, c) {
						found = &res.Violations[i]
					}
				}
			}
			if found == nil {
				t.Fatalf("want a %s to %v with the chain %s", tc.kind, tc.callees, tc.chain)
			}
			// The headline names the chain, the callee and where.
			h := found.Headline()
			fn := found.Chain[len(found.Chain)-1].Func
			wantStart := tc.chain + " -> " + found.Callee + " ("
			if tc.kind == "indirect call" {
				wantStart = tc.chain + ": unresolved indirect call at 0x"
			}
			if !strings.HasPrefix(h, wantStart) || !strings.Contains(h, " in "+fn+" [") || !strings.Contains(h, "main.go:") {
				t.Errorf("headline %q: want it to start with %q and name %s and a main.go line", h, wantStart, fn)
			}
		})
	}
}

func TestBadVectorsFixture(t *testing.T) {
	b := fixture(t)
	res, err := Check(b, Config{Roots: []string{"main.trapCommon"}, Vectors: "main.badVectors", TrapCommon: "main.trapCommon"})
	if err != nil {
		t.Fatal(err)
	}
	if res.VectorStubs != numVectors-len(badStubs) {
		t.Errorf("%d good stubs, want %d", res.VectorStubs, numVectors-len(badStubs))
	}
	got := map[int]string{}
	for _, v := range res.Violations {
		if v.Kind != "vectors" {
			t.Errorf("unexpected violation %s", v)
			continue
		}
		var n int
		if _, err := fmt.Sscanf(v.Detail, "vector %d", &n); err != nil {
			t.Errorf("unexpected vectors problem %q", v.Detail)
			continue
		}
		got[n] = v.Detail
	}
	for n, bad := range badStubs {
		if !strings.Contains(got[n], bad.want) {
			t.Errorf("vector %d: got %q, want %q", n, got[n], bad.want)
		}
		delete(got, n)
	}
	for n, msg := range got {
		t.Errorf("vector %d wrongly reported: %s", n, msg)
	}
	if s := res.Summary(); !strings.HasSuffix(s, "vectors: 4 problems") {
		t.Errorf("summary %q", s)
	}
}

func TestRun(t *testing.T) {
	fixture(t)
	for _, tc := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"-roots", "main.trapCommon", "-vectors", "main.vectors", fixtureELF}, 0,
			[]string{"ring0check: ", " functions reachable from 1 roots; runtime calls: runtime.memequal, runtime.memmove; ", "vectors: 256 stubs ok\n"}},
		{[]string{"-roots", "main.badChain, main.badAlloc", "-vectors", "", fixtureELF}, 1,
			[]string{"ring0check: FAIL: 2 violations (", "vectors: not checked)\n",
				"main.badAlloc -> runtime.newobject (call at 0x",
				"main.badChain -> main.middle -> main.badIndex -> runtime.panic",
				"\n\tmain.middle: called at 0x", " in main.badChain [",
			}},
		{[]string{"-v", "-roots", "main.clean", "-vectors", "", fixtureELF}, 0,
			[]string{"main.clean: root\n", "main.fa: in table main.table referenced at 0x", "runtime.memmove: called at 0x"}},
		{[]string{"-roots", "main.nosuch", fixtureELF}, 2, nil},
		{[]string{"-roots", "runtime.memmove", fixtureELF}, 2, nil},
		{[]string{filepath.Join(t.TempDir(), "missing.elf")}, 2, nil},
		{[]string{"a", "b"}, 2, nil},
	} {
		var stdout, stderr strings.Builder
		code := run(tc.args, &stdout, &stderr)
		if code != tc.code {
			t.Errorf("ring0check %q: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", tc.args, code, tc.code, &stdout, &stderr)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(stdout.String(), w) {
				t.Errorf("ring0check %q: output lacks %q:\n%s", tc.args, w, &stdout)
			}
		}
		if tc.code == 2 && stderr.Len() == 0 {
			t.Errorf("ring0check %q: no error message", tc.args)
		}
	}
}

// The output must not depend on map order or anything else that varies.
func TestDeterministic(t *testing.T) {
	fixture(t)
	args := []string{"-v", "-roots", "main.dispatch,main.badChain,main.badAlloc,main.tableRoot,main.badIndirect,main.badSplit", "-vectors", "main.badVectors", fixtureELF}
	var first string
	for i := 0; i < 5; i++ {
		var stdout, stderr strings.Builder
		if code := run(args, &stdout, &stderr); code != 1 {
			t.Fatalf("exit %d: %s", code, &stderr)
		}
		if i == 0 {
			first = stdout.String()
		} else if stdout.String() != first {
			t.Fatalf("run %d differs:\n%s\nfirst:\n%s", i, &stdout, first)
		}
	}
}
