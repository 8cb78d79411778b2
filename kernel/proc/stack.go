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
// The Go runtime's entry (_rt0_amd64_linux) reads exactly this. The words
// of the kernel command line (split by kernel/cmdline's tokenizer) become
// arguments, except those containing '=', which become environment
// variables, as Linux does for init.
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
	atPagesz      = 6
	atClktck      = 17
	atRandom      = 25
	atSysinfoEhdr = 33 // the vDSO's ELF header
)

// MaxWords bounds the command-line words placed on the stack: MaxArgs
// program arguments after argv[0] (the kernel's name, Argv0) and MaxEnv
// environment entries.
const (
	MaxWords = 64
	MaxArgs  = MaxWords - 1
	MaxEnv   = MaxWords
)

// Counts returns how many program arguments (words without '=') and
// environment entries (NAME=VALUE words) line holds, for the boot's
// message when one is over its limit.
//
//go:nosplit
func Counts(line string) (args, env int) {
	for rest := line; ; {
		w, tail := cmdline.Next(rest)
		if w == "" {
			return args, env
		}
		rest = tail
		if _, _, isEnv := cmdline.Split(w); isEnv {
			env++
		} else {
			args++
		}
	}
}

// Argv0 is the program name the runtime sees.
const Argv0 = "gokernel"

// BuildStack lays out the initial stack at the top of stack, whose last
// byte is at address top-1, and returns the initial stack pointer. vdso is
// the address of the vDSO's ELF header, or 0 for none. ok is false if
// stack is too small or the command line has too many words.
//
// It runs once at boot, before the runtime, and is not on any interrupt or
// system-call path, so unlike most kernel code it is not nosplit.
func BuildStack(stack []byte, top uint64, line string, random *[16]byte, vdso uint64) (sp uint64, ok bool) {
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
	a0, ok0 := put(Argv0)
	if !ok0 {
		return 0, false
	}
	argv[0] = a0
	for rest := line; ; {
		w, tail := cmdline.Next(rest)
		rest = tail
		if w == "" {
			break
		}
		addr, okw := put(w)
		if !okw {
			return 0, false
		}
		if _, _, env := cmdline.Split(w); env {
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

	words := uint64(1 + nargs + 1 + nenv + 1 + 2*5)
	pos &^= 15
	if pos < words*8 {
		return 0, false
	}
	start := (pos - words*8) &^ 15
	w := (*[1 << 16]uint64)(unsafe.Pointer(&stack[start]))[:words:words]
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
	emit(atNull)
	emit(0)
	return base + start, true
}
