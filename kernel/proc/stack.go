// Package proc builds the initial stack of the Go program, the one a Linux
// kernel gives a new process (System V AMD64 ABI §3.4.1, Figure 3.9):
//
//	high:  random bytes, argument and environment strings
//	       padding to 16 bytes
//	       auxiliary vector pairs, ending with AT_NULL
//	       envp pointers, NULL
//	       argv pointers, NULL
//	SP ->  argc                      (SP is 16-byte aligned)
//
// The Go runtime's entry (_rt0_amd64_linux) reads exactly this. For the
// kernel's own program the words of the kernel command line (split by
// kernel/cmdline's tokenizer) become arguments, except those containing
// '=', which become environment variables, as Linux does for init. For a
// program from a boot module the module's command line is used: its first
// word is argv[0], words NAME=VALUE whose NAME is an identifier are the
// environment, every other word an argument, and a word "--" makes the
// words after it arguments whatever they hold (-test.run=X stays an
// argument either way: '-' starts no identifier).
//
// Ring 0, before the runtime: BuildStack runs once at boot.
package proc

import (
	"unsafe"

	"gokernel/kernel/cmdline"
)

// Auxiliary vector types (include/uapi/linux/auxvec.h).
const (
	atNull        = 0
	atPhdr        = 3 // the program's headers in memory
	atPhent       = 4
	atPhnum       = 5
	atPagesz      = 6
	atEntry       = 9
	atClktck      = 17
	atRandom      = 25
	atSysinfoEhdr = 33 // the vDSO's ELF header
)

// Spec is what goes on the initial stack.
type Spec struct {
	Line    string // the words: arguments and environment
	Program bool   // Line is a boot module's (argv[0] first; see above)
	Random  *[16]byte
	VDSO    uint64 // the vDSO's ELF header, or 0 for none
	// A program's headers in memory, their count and its entry
	// (AT_PHDR, AT_PHNUM, AT_ENTRY: a static C library needs them to
	// find its TLS segment); 0 for none.
	Phdr, Phnum, Entry uint64
}

// MaxWords bounds the command-line words placed on the stack: MaxArgs
// program arguments after argv[0] (the kernel's name, Argv0) and MaxEnv
// environment entries.
const (
	MaxWords = 64
	MaxArgs  = MaxWords - 1
	MaxEnv   = MaxWords
)

// Counts returns how many program arguments and environment entries line
// holds (for a module's line, program; argv[0] not counted), for the
// boot's message when one is over its limit.
//
//go:nosplit
func Counts(line string, program bool) (args, env int) {
	var w words
	w.init(line, program)
	for {
		s, isEnv, ok := w.next()
		switch {
		case !ok:
			return args, env
		case isEnv:
			env++
		case s != "":
			args++
		}
	}
}

// words walks a line's words and says which are environment entries.
type words struct {
	rest    string
	program bool
	dashes  bool // "--" was seen: the rest are arguments
	first   bool // the next word is a module line's argv[0]
}

//go:nosplit
func (w *words) init(line string, program bool) {
	*w = words{rest: line, program: program, first: program}
}

// next returns the next word and whether it is an environment entry;
// ok is false at the end. A module line's first word and its "--" come
// back as "" (argv[0] is taken by Argv0Of).
//
//go:nosplit
func (w *words) next() (s string, isEnv, ok bool) {
	s, w.rest = cmdline.Next(w.rest)
	if s == "" {
		return "", false, false
	}
	if w.first {
		w.first = false
		return "", false, true
	}
	if !w.program {
		_, _, isEnv = cmdline.Split(s)
		return s, isEnv, true
	}
	if s == "--" && !w.dashes {
		w.dashes = true
		return "", false, true
	}
	return s, !w.dashes && envWord(s), true
}

// envWord reports whether s is NAME=VALUE with NAME a C identifier.
//
//go:nosplit
func envWord(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '=':
			return i > 0
		case c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return false
}

// Argv0Of returns a module line's first word, the program's name.
//
//go:nosplit
func Argv0Of(line string) string {
	w, _ := cmdline.Next(line)
	return w
}

// Argv0 is the program name the runtime sees.
const Argv0 = "gokernel"

// BuildStack lays out the initial stack at the top of stack, whose last
// byte is at address top-1, and returns the initial stack pointer. ok is
// false if stack is too small or the command line has too many words.
//
// It runs once at boot, before the runtime, and is not on any interrupt or
// system-call path, so unlike most kernel code it is not nosplit.
func BuildStack(stack []byte, top uint64, spec *Spec) (sp uint64, ok bool) {
	random, vdso := spec.Random, spec.VDSO
	n := uint64(len(stack))
	if n < 256 || top < n {
		return 0, false
	}
	base := top - n // address of stack[0]
	pos := n        // next free byte, counting down

	put := func(s string) (uint64, bool) {
		need := uint64(len(s)) + 1
		if pos < need+64 {
			return 0, false
		}
		pos -= need
		copy(stack[pos:pos+need-1], s)
		stack[pos+need-1] = 0
		return base + pos, true
	}

	// Random bytes for AT_RANDOM.
	pos -= 16
	copy(stack[pos:pos+16], random[:])
	randAddr := base + pos

	var argv, envp [MaxWords]uint64
	nargs, nenv := 1, 0
	name := Argv0
	if spec.Program {
		name = Argv0Of(spec.Line)
	}
	a0, ok0 := put(name)
	if !ok0 {
		return 0, false
	}
	argv[0] = a0
	var ws words
	ws.init(spec.Line, spec.Program)
	for {
		w, env, more := ws.next()
		if !more {
			break
		}
		if w == "" {
			continue
		}
		addr, okw := put(w)
		if !okw {
			return 0, false
		}
		if env {
			if nenv >= MaxWords {
				return 0, false
			}
			envp[nenv] = addr
			nenv++
		} else {
			if nargs >= MaxWords {
				return 0, false
			}
			argv[nargs] = addr
			nargs++
		}
	}

	nwords := uint64(1 + nargs + 1 + nenv + 1 + 2*9)
	pos &^= 15
	if pos < nwords*8 {
		return 0, false
	}
	start := (pos - nwords*8) &^ 15
	w := (*[1 << 16]uint64)(unsafe.Pointer(&stack[start]))[:nwords:nwords]
	i := uint64(0)
	emit := func(v uint64) {
		if i < uint64(len(w)) {
			w[i] = v
		}
		i++
	}
	emit(uint64(nargs))
	for j := 0; j < nargs && j < MaxWords; j++ {
		emit(argv[j])
	}
	emit(0)
	for j := 0; j < nenv && j < MaxWords; j++ {
		emit(envp[j])
	}
	emit(0)
	emit(atPagesz)
	emit(4096)
	emit(atClktck)
	emit(100)
	emit(atRandom)
	emit(randAddr)
	if vdso != 0 {
		emit(atSysinfoEhdr)
		emit(vdso)
	}
	if spec.Phdr != 0 {
		emit(atPhdr)
		emit(spec.Phdr)
		emit(atPhent)
		emit(56) // Elf64_Phdr
		emit(atPhnum)
		emit(spec.Phnum)
	}
	if spec.Entry != 0 {
		emit(atEntry)
		emit(spec.Entry)
	}
	emit(atNull)
	emit(0)
	return base + start, true
}
