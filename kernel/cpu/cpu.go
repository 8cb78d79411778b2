// Package cpu is the per-CPU data that GS points to in ring 0: the kernel
// stack's top, the user's stack pointer during a SYSCALL entry, the count
// of kernel entries in progress, and the FS bases: the running thread's,
// and the kernel's own; with the CPU's index and APIC ID. The entry stubs
// in kernel/entry_amd64.s use its fields by offset (CPU_KSTACK and
// friends), which TestBlockLayout checks. Each CPU has its own block,
// Blocks[i], where i is the CPU's index: 0 for the boot CPU, then the
// others in the order they came up.
//
// Ring 0: //go:nosplit, no allocation. GS is set once per CPU at its start
// and never swapped: the Go runtime uses only FS on linux/amd64.
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
	"sync/atomic"
	"unsafe"

	"gokernel/arch"
)

// Max bounds the CPUs the kernel runs on.
const Max = 64

// Block is one CPU's data.
type Block struct {
	self     uint64 // 0: address of this block
	kstack   uint64 // 8: top of the kernel stack, also TSS.RSP0
	scratch  uint64 // 16: the user's RSP during the SYSCALL entry
	depth    uint64 // 24: kernel entries in progress; nonzero means "in the kernel"
	userFS   uint64 // 32: FS base of the thread in ring 3: saved on entry from it, loaded on return to ring 3
	kernelFS uint64 // 40: FS base in ring 0: the address just past gslot
	gslot    uint64 // 48: -8(kernelFS): the address of zeroG
	index    uint64 // 56: this CPU's index in Blocks
	APICID   uint32 // its local APIC's ID

	// Counters for the cpus command; the assembly does not use them.
	Interrupts uint64 // interrupts taken (vectors 32 and up, IPIs too)
	Since      int64  // clock.Nanotime() when the CPU came up
}

// Blocks are the CPUs' blocks, by index.
var Blocks [Max]Block

// online counts the CPUs that run (CPU 0 and the APs that came up).
var online uint32

// zeroG is the g that ring-0 Go code sees: all zeros.
var zeroG [4096]byte

// Prepare fills CPU i's block for a start with the kernel stack ending at
// kstack: the kernel's TLS, the user FS base given. The boot CPU calls it
// for itself and for each AP before starting it; Load then points GS at
// it on the CPU itself.
//
//go:nosplit
func Prepare(i int, kstack, userFS uint64, apicID uint32) {
	if uint(i) >= Max {
		return
	}
	b := &Blocks[i]
	*b = Block{} // fresh: an AP given up on may have used block i
	b.self = uint64(uintptr(unsafe.Pointer(b)))
	b.kstack = kstack
	b.gslot = uint64(uintptr(unsafe.Pointer(&zeroG)))
	b.kernelFS = uint64(uintptr(unsafe.Pointer(&b.gslot))) + 8
	b.userFS = userFS
	b.index = uint64(i)
	b.APICID = apicID
}

// Load points this CPU's GS at block i's.
//
//go:nosplit
func Load(i int) {
	if uint(i) < Max {
		arch.Wrmsr(arch.MSR_GS_BASE, Blocks[i].self)
	}
}

// Init prepares and loads the boot CPU's block (index 0), whose kernel
// stack ends at kstack. The FS base in use (the boot stub's) is the user
// FS base until a thread is switched in.
//
//go:nosplit
func Init(kstack uint64) {
	Prepare(0, kstack, arch.Rdmsr(arch.MSR_FS_BASE), 0)
	Load(0)
	online = 1
}

// Current returns this CPU's block, through GS.
//
//go:nosplit
func Current() *Block { return (*Block)(arch.Ptr(uintptr(self()))) }

// ID returns this CPU's index.
//
//go:nosplit
func ID() int { return int(Current().index & (Max - 1)) }

// Online returns how many CPUs run.
//
//go:nosplit
func Online() int { return int(atomic.LoadUint32(&online)) }

// SetOnline records n CPUs running: the boot CPU's count after the APs
// came up.
//
//go:nosplit
func SetOnline(n int) { atomic.StoreUint32(&online, uint32(n)) }

// Self returns the block's address, the value of its CPU's GS base.
//
//go:nosplit
func (b *Block) Self() uint64 { return b.self }

// KernelFS returns block i's kernel TLS base, which an AP loads into FS
// before it runs Go code.
//
//go:nosplit
func KernelFS(i int) uint64 { return Blocks[i&(Max-1)].kernelFS }

// KernelStackTop returns the top of this CPU's kernel stack.
//
//go:nosplit
func KernelStackTop() uint64 { return Current().kstack }

// LeaveKernel resets the count of kernel entries: for a kernel entry that
// is abandoned rather than returned from (a fault in ring 0 whose stack
// the kernel gives up).
//
//go:nosplit
func LeaveKernel() { Current().depth = 0 }

// UserFS returns the FS base of the thread that entered the kernel from
// ring 3 (or that will run next, after SetUserFS).
//
//go:nosplit
func UserFS() uint64 { return Current().userFS }

// SetUserFS sets the FS base the entry stubs load when they return to
// ring 3. fs must be canonical: WRMSR of a non-canonical base raises #GP
// (SDM Vol. 4, IA32_FS_BASE; Vol. 2B, WRMSR).
//
//go:nosplit
func SetUserFS(fs uint64) { Current().userFS = fs }

// self returns GS:0, the current CPU's block address. Implemented in
// cpu_amd64.s.
func self() uint64
