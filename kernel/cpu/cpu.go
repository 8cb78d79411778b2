// Package cpu is the per-CPU data that GS points to in ring 0: the kernel
// stack's top, the user's stack pointer during a SYSCALL entry, the count
// of kernel entries in progress, and the FS bases: the running thread's,
// and the kernel's own. The entry stubs in kernel/entry_amd64.s use its
// fields by offset (CPU_KSTACK and friends), which TestBlockLayout checks.
//
// Ring 0: //go:nosplit, no allocation. GS is set once at boot and never
// swapped: the Go runtime uses only FS on linux/amd64.
//
// The kernel's TLS. Every Go function entered from assembly goes through
// an ABI0 wrapper that loads g from -8(FS) (MOVQ FS:-8, R14). In ring 3
// FS is the thread's, set by the runtime with arch_prctl, and the thread
// may point it anywhere, also at nothing. So the entry stubs switch FS to
// the kernel's before any Go code runs and back to the thread's on the way
// out: kernelFS points just past gslot, which holds the address of zeroG,
// a zeroed g. Nothing in ring 0 reads g's fields (every function there is
// //go:nosplit, so no stack check compares SP with g's stack bound); the
// boot stub uses the same arrangement before the kernel exists
// (boot/start64.s).
package cpu

import (
	"unsafe"

	"gokernel/arch"
)

// Block is one CPU's data.
type Block struct {
	self     uint64 // 0: address of this block
	kstack   uint64 // 8: top of the kernel stack, also TSS.RSP0
	scratch  uint64 // 16: the user's RSP during the SYSCALL entry
	depth    uint64 // 24: kernel entries in progress; nonzero means "in the kernel"
	userFS   uint64 // 32: FS base of the thread in ring 3: saved on entry from it, loaded on return to ring 3
	kernelFS uint64 // 40: FS base in ring 0: the address just past gslot
	gslot    uint64 // 48: -8(kernelFS): the address of zeroG
}

var boot Block // the boot CPU's

// zeroG is the g that ring-0 Go code sees: all zeros.
var zeroG [4096]byte

// Init points GS at the boot CPU's block, whose kernel stack ends at
// kstack, and prepares the kernel's TLS. The FS base in use (the boot
// stub's) is the user FS base until a thread is switched in.
//
//go:nosplit
func Init(kstack uint64) {
	boot.self = uint64(uintptr(unsafe.Pointer(&boot)))
	boot.kstack = kstack
	boot.gslot = uint64(uintptr(unsafe.Pointer(&zeroG)))
	boot.kernelFS = uint64(uintptr(unsafe.Pointer(&boot.gslot))) + 8
	boot.userFS = arch.Rdmsr(arch.MSR_FS_BASE)
	arch.Wrmsr(arch.MSR_GS_BASE, boot.self)
}

// KernelStackTop returns the top of this CPU's kernel stack.
//
//go:nosplit
func KernelStackTop() uint64 { return boot.kstack }

// LeaveKernel resets the count of kernel entries: for a kernel entry that
// is abandoned rather than returned from (a fault in ring 0 whose stack
// the kernel gives up).
//
//go:nosplit
func LeaveKernel() { boot.depth = 0 }

// UserFS returns the FS base of the thread that entered the kernel from
// ring 3 (or that will run next, after SetUserFS).
//
//go:nosplit
func UserFS() uint64 { return boot.userFS }

// SetUserFS sets the FS base the entry stubs load when they return to
// ring 3. fs must be canonical: WRMSR of a non-canonical base raises #GP
// (SDM Vol. 4, IA32_FS_BASE; Vol. 2B, WRMSR).
//
//go:nosplit
func SetUserFS(fs uint64) { boot.userFS = fs }
