// Package arch holds x86-64 primitives: port I/O, model-specific and control
// registers, CPUID, the time-stamp counter, interrupt-flag control,
// descriptor-table and page-table encodings, and the register frame the
// kernel's entry stubs save.
//
// References are to the Intel 64 and IA-32 Architectures Software
// Developer's Manual (SDM), volumes 2 and 3A.
//
// Every function here is //go:nosplit or a NOSPLIT assembly routine with no
// locals, allocates nothing and touches no Go pointers, so the kernel's
// interrupt and system-call paths may call any of them. Privileged
// instructions (MSRs, control registers, descriptor loads, HLT) fault with
// #GP outside ring 0; port I/O and CLI/STI also work in ring 3 because the
// kernel runs Go threads with IOPL 3.
package arch
