package boot

import (
	"unsafe"

	"gokernel/arch"
	"gokernel/kernel/clock"
	"gokernel/kernel/cmdline"
	"gokernel/kernel/console"
	"gokernel/kernel/linux"
	"gokernel/kernel/mem"
	"gokernel/kernel/mem/vma"
	"gokernel/kernel/proc"
	"gokernel/kernel/sched"
	"gokernel/kernel/sys"
	"gokernel/kernel/trap"
	"gokernel/kernel/vdso"
)

const userStackSize = 8 << 20 // the main thread's stack area, faulted in on use

// Personality readies the Linux system calls: their state, the Go
// program's address space (its image as user mappings), the vDSO unless
// novdso, and the free-memory floor below which mmap refuses.
//
//go:nosplit
func Personality() {
	sys.Init()
	if !mem.InitUser(segs[:nsegs]) {
		fail("boot: out of memory for the zero page", "")
	}
	if !cmdline.Get(cmdline.NoVDSO).Set {
		setupVDSO()
	}
	total := mem.Frames.Total() * mem.PageSize
	mem.LowWater = max(total/16, min(6<<20, total/8))
}

// MainThread creates the Go program's first thread and returns its frame,
// at the top of the kernel stack: a stack area just below UserMax holding
// the Linux initial stack, and a frame that enters rt0, the runtime's
// _rt0_amd64_linux, in ring 3 with IOPL 3 (port I/O and CLI/STI allowed)
// and interrupts enabled.
//
//go:nosplit
func MainThread(rt0 uint64) *arch.Frame {
	f := (*arch.Frame)(arch.Ptr(uintptr(mem.Stacks[0].Top - arch.FrameSize)))
	args, env := proc.Counts(line)
	switch {
	case args > proc.MaxArgs:
		tooMany("arguments (words without '=')", args, proc.MaxArgs)
	case env > proc.MaxEnv:
		tooMany("environment entries (NAME=VALUE words)", env, proc.MaxEnv)
	}
	if !mainThread(f, rt0) {
		fail("boot: cannot build the main thread's stack", "")
	}
	return f
}

// tooMany stops the boot: the command line has n of what, over the limit.
//
//go:nosplit
func tooMany(what string, n, limit int) {
	console.WriteString("boot: too many ")
	console.WriteString(what)
	console.WriteString(" on the command line: ")
	console.Dec(int64(n))
	console.WriteString(", the limit is ")
	console.Dec(int64(limit))
	fail("", "")
}

//go:nosplit
func mainThread(f *arch.Frame, rt0 uint64) bool {
	base := uint64(mem.UserMax - userStackSize)
	if _, err := mem.User.Map(base, userStackSize, linux.PROT_READ|linux.PROT_WRITE, 0, vma.Fixed); err != nil {
		return false
	}
	const initial = 16 << 10 // what BuildStack may use: the top 16 KiB
	b, ok := mem.KernelUserBytes(mem.UserMax-initial, initial, true)
	if !ok {
		return false
	}
	var rnd [16]byte
	for i := 0; i < 16; i += 8 {
		v := sys.Random64()
		for j := 0; j < 8; j++ {
			rnd[i+j] = byte(v >> (8 * j))
		}
	}
	sp, ok := proc.BuildStack(b, mem.UserMax, line, &rnd, vdso.Base)
	if !ok {
		return false
	}
	*f = arch.Frame{}
	f.RIP = rt0
	f.RSP = sp
	f.RFLAGS = arch.FLAGS_IF | arch.FLAGS_IOPL | 1<<1 // bit 1 is always set
	f.CS = trap.UserCS
	f.SS = trap.UserDS
	// The FXSAVE image needs a valid MXCSR (all exceptions masked) and FCW.
	*(*uint16)(unsafe.Pointer(&f.FX[0])) = 0x037F
	*(*uint32)(unsafe.Pointer(&f.FX[24])) = 0x1F80
	_, ok = sched.New(f, arch.Rdmsr(arch.MSR_FS_BASE))
	return ok
}

// vdsoBase is where the vDSO goes: below the main thread's stack area,
// with a gap.
const vdsoBase = mem.UserMax - userStackSize - 16<<10

// setupVDSO fills the vDSO's clock parameters and maps it read-only and
// executable for the Go program. Without it the runtime's clock reads are
// clock_gettime system calls, which still work.
//
//go:nosplit
func setupVDSO() {
	so := vdso.Image()
	tsc0, mult, wall := clock.Params()
	_, measured := clock.TSCHz()
	switch {
	case so == nil:
		console.Line("vdso: no image in this build; clock reads are system calls")
	case !measured:
		console.Line("vdso: the TSC was not calibrated; clock reads are system calls")
	case !vdso.Fill(so, vdso.Params{TSC0: tsc0, Mult: mult, WallAtTSC0: wall}):
		console.Line("vdso: the image has no data block; clock reads are system calls")
	case !mem.MapUserCopy(vdsoBase, so, linux.PROT_READ|linux.PROT_EXEC):
		console.Line("vdso: cannot map the image; clock reads are system calls")
	default:
		vdso.Base = vdsoBase
		vdso.Enabled = true
	}
}
