// Command ring0check proves, by disassembling the kernel's Go executable,
// that the code the ring-0 core runs obeys its rules.
//
// The kernel's interrupt, exception and system-call paths run Go code on a
// kernel stack the Go runtime knows nothing about, with interrupts
// disabled. That code must not grow the stack (morestack), hit a write
// barrier, allocate, panic, lock, or otherwise enter the runtime. The
// compiler inserts such calls silently (a bounds check, an escaping value,
// a pointer store into a global, a missing //go:nosplit), so ring0check
// follows every call from the entry points and fails on any call into the
// runtime's packages (runtime, internal/runtime/..., internal/abi, ...)
// that is not on the short allow-list in allow.go.
//
// Usage:
//
//	ring0check [-roots main.vectors,main.trapCommon,...] [-vectors main.vectors]
//	           [-trap main.trapCommon] [-v] [build/go.elf]
//
// From each root (and its ABI0 wrapper or body, pkg.F.abi0), it decodes
// every reachable function (bounds from the ELF symbol table) and follows:
//
//   - direct CALLs, and JMPs or conditional jumps that leave the function
//     (tail calls, the stubs' JMP ·trapCommon(SB));
//   - function addresses the code loads (LEAQ ·dispatch(SB), AX; CALL AX);
//   - static func values (pkg.F·f) the code references, directly or inside
//     a data symbol it references (a handler table such as
//     gokernel/kernel/sys.table, or one pointer away: a slice's array).
//
// An indirect CALL or JMP in a function that references no such table or
// address is reported as unresolved, unless the function is on the second
// allow-list. Independently, it checks the 256 interrupt stubs: 16 bytes
// apart, each pushing a zero error code unless the CPU pushes one, then
// its vector number, then jumping to the common entry.
//
// It prints a one-line summary and exits 0, or prints each violation with
// the chain of calls from a root and exits 1 (2 for usage or I/O errors).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ring0check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	roots := fs.String("roots", strings.Join(DefaultConfig.Roots, ","), "comma-separated entry points")
	vectors := fs.String("vectors", DefaultConfig.Vectors, "symbol of the 256 interrupt stubs (empty: skip that check)")
	trap := fs.String("trap", DefaultConfig.TrapCommon, "the common entry the stubs must jump to")
	verbose := fs.Bool("v", false, "list the reachable functions and how each is reached")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: ring0check [flags] [go.elf]\n\nChecks the ring-0 paths of the kernel's Go executable (default build/go.elf).\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	path := "build/go.elf"
	switch fs.NArg() {
	case 0:
	case 1:
		path = fs.Arg(0)
	default:
		fs.Usage()
		return 2
	}
	cfg := Config{Vectors: *vectors, TrapCommon: *trap}
	for _, r := range strings.Split(*roots, ",") {
		if r = strings.TrimSpace(r); r != "" {
			cfg.Roots = append(cfg.Roots, r)
		}
	}
	if len(cfg.Roots) == 0 {
		fmt.Fprintln(stderr, "ring0check: no roots")
		return 2
	}

	b, err := Open(path)
	if err != nil {
		fmt.Fprintf(stderr, "ring0check: %v\n", err)
		return 2
	}
	res, err := Check(b, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "ring0check: %s: %v\n", path, err)
		return 2
	}
	if *verbose {
		for _, line := range res.Trace {
			fmt.Fprintln(stdout, line)
		}
	}
	if res.OK() {
		fmt.Fprintf(stdout, "ring0check: %s\n", res.Summary())
		return 0
	}
	fmt.Fprintf(stdout, "ring0check: FAIL: %d violations (%s)\n", len(res.Violations), res.Summary())
	for _, v := range res.Violations {
		fmt.Fprintln(stdout, v.String())
	}
	return 1
}
