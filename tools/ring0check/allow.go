package main

import "strings"

// The two allow-lists. Everything else in the runtime's packages is
// forbidden on the ring-0 paths: it may grow the stack (morestack), run a
// write barrier, allocate, panic, lock, or depend on a g/m/p that the kernel
// stack does not have. Add an entry only with a reason it is safe there:
// the code runs on the kernel stack, with interrupts disabled, while the
// interrupted goroutine's runtime state may be anything.

// allowedRuntime names the runtime functions that ring-0 code may call.
// They are checked as well: the tool decodes them and fails if they call
// anything outside this list (memequal's tail jump to its assembly helper
// memeqbody is followed like any other call).
var allowedRuntime = map[string]string{
	// runtime/memmove_amd64.s: TEXT runtime·memmove<ABIInternal>, NOSPLIT,
	// $0-24. Assembly with no calls and no stack frame: it cannot grow the
	// stack, allocate or panic. It moves bytes without write barriers, so
	// the compiler only uses it for copies that need none (pointer-free
	// data, or destinations on the stack).
	"runtime.memmove": "NOSPLIT assembly without calls or write barriers",

	// runtime/memclr_amd64.s: TEXT runtime·memclrNoHeapPointers<ABIInternal>,
	// NOSPLIT, $0-16. Assembly with no calls: zeroes pointer-free memory.
	"runtime.memclrNoHeapPointers": "NOSPLIT assembly without calls",

	// The Duff's devices for zeroing and copying (runtime/duff_amd64.s) are
	// NOSPLIT, frameless straight-line MOVUPS sequences that the compiler
	// calls for medium-sized clears and copies. Go 1.26 no longer emits
	// them on amd64 (it generates loops), but older toolchains do.
	"runtime.duffzero": "NOSPLIT straight-line assembly (older toolchains)",
	"runtime.duffcopy": "NOSPLIT straight-line assembly (older toolchains)",

	// internal/bytealg/equal_amd64.s: TEXT runtime·memequal<ABIInternal>,
	// NOSPLIT, $0-25, and runtime·memequal_varlen (NOSPLIT, $0-17). The
	// compiler calls them for == on strings longer than it compares
	// inline, on arrays and on pointer-free structs, and from the
	// generated type:.eq.* helpers. Pure comparisons: no stack frame, no
	// allocation, no panic; both tail-jump to memeqbody<>, which the tool
	// decodes and checks too.
	"runtime.memequal":        "NOSPLIT assembly: compares bytes, no calls",
	"runtime.memequal_varlen": "NOSPLIT assembly: compares bytes, no calls",
}

// allowedIndirect names non-runtime functions whose indirect calls or jumps
// need no table: each entry says why every target of its indirect
// transfers is checked by other means. It is empty: today every indirect
// call on the ring-0 paths is resolved, either through a function address
// the same function loads (LEAQ fn(SB); CALL reg, the pattern of the
// assembly entry stubs) or through a table of func values it references
// (gokernel/kernel/sys.table).
var allowedIndirect = map[string]string{}

// runtimePackages are the Go runtime's own packages besides runtime,
// runtime/... and internal/runtime/...: the standard-library packages the
// runtime imports (go list -deps runtime, Go 1.26, less unsafe and
// math/bits, which are ordinary leaf code and are followed instead).
var runtimePackages = map[string]bool{
	"internal/abi":            true,
	"internal/asan":           true,
	"internal/bytealg":        true,
	"internal/byteorder":      true,
	"internal/chacha8rand":    true,
	"internal/coverage/rtcov": true,
	"internal/cpu":            true,
	"internal/goarch":         true,
	"internal/godebugs":       true,
	"internal/goexperiment":   true,
	"internal/goos":           true,
	"internal/msan":           true,
	"internal/profilerecord":  true,
	"internal/race":           true,
	"internal/strconv":        true,
	"internal/stringslite":    true,
	"internal/trace/tracev2":  true,
}

// isRuntimePackage reports whether pkg is one of the runtime's packages.
func isRuntimePackage(pkg string) bool {
	switch {
	case pkg == "runtime", strings.HasPrefix(pkg, "runtime/"),
		strings.HasPrefix(pkg, "internal/runtime/"):
		return true
	}
	return runtimePackages[pkg]
}

// symPackage returns the import path of the package that defines the Go
// symbol name, or "" for names that carry none: local assembly symbols
// (foo<> is named plain "foo" in the ELF symbol table) and the linker's and
// compiler's own (go:..., type:...).
func symPackage(name string) string {
	if strings.HasPrefix(name, "go:") || strings.HasPrefix(name, "type:") {
		return ""
	}
	// Instantiation brackets may hold other packages' paths.
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	slash := strings.LastIndexByte(name, '/')
	dot := strings.IndexByte(name[slash+1:], '.')
	if dot < 0 {
		return ""
	}
	return name[:slash+1+dot]
}

// baseName strips the linker's ABI suffix: assembly functions are named
// pkg.F.abi0 in the ELF symbol table, and a Go function called from
// assembly has an ABI0 wrapper of that name next to its body pkg.F.
func baseName(name string) string {
	for _, s := range []string{".abi0", ".abiinternal"} {
		if strings.HasSuffix(name, s) {
			return strings.TrimSuffix(name, s)
		}
	}
	return name
}

func isRuntimeSym(name string) bool { return isRuntimePackage(symPackage(name)) }

func runtimeAllowed(name string) bool {
	_, ok := allowedRuntime[baseName(name)]
	return ok
}

func indirectAllowed(name string) bool {
	_, ok := allowedIndirect[baseName(name)]
	return ok
}
