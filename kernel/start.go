package main

import (
	"unsafe"

	"gokernel/arch"
	"gokernel/kernel/clock"
	"gokernel/kernel/console"
	"gokernel/kernel/linux"
	"gokernel/kernel/machine"
	"gokernel/kernel/mem"
	"gokernel/kernel/mem/phys"
	"gokernel/kernel/mem/vma"
	"gokernel/kernel/multiboot"
	"gokernel/kernel/pic"
	"gokernel/kernel/pit"
	"gokernel/kernel/proc"
	"gokernel/kernel/sched"
	"gokernel/kernel/sys"
	"gokernel/kernel/trap"
	"gokernel/kernel/vdso"
)

// Boot, from the stub's hand-off to the Go runtime's entry.
//
// start runs in ring 0 on the stub's boot stack, interrupts off, before the
// Go runtime exists: no allocation, no goroutines, no package
// initialisation yet (so it only touches variables without initialisers,
// which the loader zeroed). Its job is to make the machine look like Linux
// to the runtime: memory, descriptor tables, the SYSCALL entry, a clock, a
// main thread with a Linux initial stack, and then an IRETQ into
// _rt0_amd64_linux in ring 3.

var (
	bootInfo multiboot.Info
	cmdline  string // the kernel command line, without a Multiboot 1 file name
	tickHz   uint64 // timer interrupts per second: hz=N on the command line
	useVDSO  bool   // map the vDSO (novdso on the command line turns it off)
	segs     [8]mem.Segment
	nsegs    int
	earlyIST [4096]uint64 // stack for faults during boot, before mem.Setup
)

const (
	userStackSize = 8 << 20 // the main thread's stack area, faulted in on use
	irqBase       = 32      // PIC vectors: IRQ n arrives as vector 32+n
)

func start(magic, info, imageStart, imageEnd, goBase, rt0 uint64) {
	console.Init()
	vecs, sysent := stubAddrs()
	early := uint64(uintptr(unsafe.Pointer(&earlyIST[len(earlyIST)-1])))
	trap.Init(vecs, sysent, trap.Stacks{Kernel: early, DoubleFault: early, NMI: early, MachineCheck: early})

	if err := multiboot.Parse(uint32(magic), info, physBelow4G, &bootInfo); err != multiboot.OK {
		bootFail("boot: cannot read the boot information: ", err.Error())
	}
	readCmdline()
	// The screen first, so that it shows every line from here on; a
	// framebuffer above 4 GiB (rare) waits until mem.Setup maps it.
	fbEnd := framebufferEnd()
	if fbEnd <= 4<<30 {
		chooseScreen()
	}
	console.WriteString("boot: ")
	console.Line(bootInfo.ProtocolName())
	if msg, n := bootProblem(&bootInfo); msg != "" {
		console.WriteString(msg)
		if n != 0 {
			console.Dec(int64(n))
			console.WriteString(" bytes, the limit is ")
			console.Dec(multiboot.MaxCmdline - 1)
		}
		bootFail("", "")
	}

	n, goEnd := imageSegments(goBase, segs[:])
	if n == 0 {
		bootFail("boot: the Go image has no readable ELF header", "")
	}
	nsegs = n
	// The stub (headers, early code, page tables, boot stack, zero page)
	// stays mapped for the kernel only: start still runs on its stack.
	segs[nsegs] = mem.Segment{Start: imageStart, End: goBase, Flags: arch.PTE_W | arch.PTE_NX}
	segs[nsegs+1] = mem.Segment{Start: goEnd, End: mem.PageRoundUp(imageEnd), Flags: arch.PTE_W | arch.PTE_NX}

	top := initFrames(imageStart, imageEnd)
	console.WriteString("mem: ")
	console.Dec(int64(bootInfo.UsableBytes() >> 20))
	console.WriteString(" MiB usable RAM, ")
	console.Dec(int64(mem.Frames.FreeCount() >> 8))
	console.Line(" MiB free")
	if fbEnd != 0 {
		// Some firmware places the framebuffer in RAM the memory map
		// does not mark as taken.
		mem.Frames.Reserve(mem.PageRoundDown(bootInfo.Framebuffer.Addr), mem.PageRoundUp(fbEnd))
	}
	if !mem.Setup(max(top, fbEnd), segs[:nsegs+2]) {
		bootFail("boot: out of memory while building page tables", "")
	}
	if fbEnd > 4<<30 {
		chooseScreen()
	}

	st := &mem.Stacks
	trap.Init(vecs, sysent, trap.Stacks{Kernel: st[0].Top, DoubleFault: st[1].Top, NMI: st[2].Top, MachineCheck: st[3].Top})
	initCPU(st[0].Top)
	pic.Init(irqBase)
	clock.Init()
	sys.Init()
	// The tick: PIT channel 0 on IRQ 0. Interrupts stay off until the
	// IRETQ into the runtime loads RFLAGS with IF set.
	pit.Init(tickHz)
	pic.Unmask(0)
	sched.InterruptsWake = true
	if hz, ok := clock.TSCHz(); ok {
		console.WriteString("clock: TSC ")
		console.Dec(int64(hz / 1_000_000))
		console.Line(" MHz")
	} else {
		console.Line("clock: the PIT did not answer; assuming a 2 GHz TSC")
	}

	mem.InitUser(segs[:nsegs])
	if useVDSO {
		setupVDSO()
	}
	sys.LowWater = mem.Frames.Total() * mem.PageSize / 16
	if sys.LowWater < 6<<20 {
		sys.LowWater = 6 << 20
	}
	f := (*arch.Frame)(unsafe.Pointer(uintptr(st[0].Top - arch.FrameSize)))
	if !mainThread(f, rt0) {
		bootFail("boot: cannot build the main thread's stack", "")
	}
	sched.Switch(f)
	enterFrame(f)
}

// physBelow4G views physical memory through the boot stub's tables, which
// alias the first 4 GiB at the direct-map base.
func physBelow4G(addr, n uint64) []byte {
	if addr >= 4<<30 || n > 4<<30-addr {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(mem.Virt(addr))), n)
}

// bootProblem says why the kernel cannot boot with the loader's
// information, or returns "". For a command line that is too long it also
// returns its length, for the message.
func bootProblem(in *multiboot.Info) (string, int) {
	switch {
	case !in.HasMemoryMap || in.NRegions == 0:
		return "boot: the boot loader gave no memory map; cannot find RAM", 0
	case in.UsableBytes() == 0:
		return "boot: the memory map lists no available RAM", 0
	case in.CmdlineTooLong:
		return "boot: command line too long: ", in.CmdlineFullLen
	}
	return "", 0
}

// readCmdline takes the command line from the boot information. Multiboot
// 1 loaders put the kernel's file name first; Multiboot 2 loaders do not.
func readCmdline() {
	cmdline = bootInfo.CommandLine()
	if bootInfo.Protocol == 1 {
		cmdline = proc.SkipWord(cmdline)
	}
	tickHz = pit.DefaultHz
	useVDSO = true
	for rest := cmdline; rest != ""; {
		var w string
		w, rest = word(rest)
		switch {
		case len(w) > 5 && w[:5] == "test=":
			machine.TestMode = true
		case w == "systrace":
			sys.Trace = true
		case w == "novdso":
			useVDSO = false
		case len(w) > 8 && w[:8] == "console=":
			consoleArg = w[8:]
		case len(w) > 3 && w[:3] == "hz=":
			if n, ok := atoi(w[3:]); ok && n >= pit.MinHz && n <= pit.MaxHz {
				tickHz = n
			} else {
				console.WriteString("boot: ignoring ")
				console.WriteString(w)
				console.WriteString(": the tick rate must be a number from ")
				console.Dec(pit.MinHz)
				console.WriteString(" to ")
				console.Dec(pit.MaxHz)
				console.Line("")
			}
		}
	}
}

// atoi parses a decimal number.
func atoi(s string) (uint64, bool) {
	var n uint64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' || n > 1<<40 {
			return 0, false
		}
		n = n*10 + uint64(s[i]-'0')
	}
	return n, s != ""
}

func word(s string) (string, string) {
	for len(s) > 0 && s[0] == ' ' {
		s = s[1:]
	}
	i := 0
	for i < len(s) && s[i] != ' ' {
		i++
	}
	return s[:i], s[i:]
}

// initFrames gives the frame allocator every available page except the
// first MiB (BIOS data, VGA memory, option ROMs), the kernel image, the
// boot information and the allocator's own bitmap, and returns the end of
// physical RAM.
func initFrames(imageStart, imageEnd uint64) uint64 {
	var top uint64
	for i := 0; i < bootInfo.NRegions; i++ {
		r := &bootInfo.Regions[i]
		if r.Type == multiboot.MemAvailable && r.End() > top {
			top = r.End()
		}
	}
	nframes := top / mem.PageSize
	size := mem.PageRoundUp(phys.BitmapBytes(nframes))
	bm, ok := placeBitmap(size, imageStart, imageEnd)
	if !ok {
		bootFail("boot: no room for the frame bitmap", "")
	}
	mem.Frames.Init(mem.Virt(bm), nframes)
	for i := 0; i < bootInfo.NRegions; i++ {
		if r := &bootInfo.Regions[i]; r.Type == multiboot.MemAvailable {
			mem.Frames.AddFree(r.Base, r.End())
		}
	}
	// Loaders may report overlapping entries: anything not available wins.
	for i := 0; i < bootInfo.NRegions; i++ {
		if r := &bootInfo.Regions[i]; r.Type != multiboot.MemAvailable {
			mem.Frames.Reserve(r.Base, r.End())
		}
	}
	mem.Frames.Reserve(0, 1<<20)
	mem.Frames.Reserve(imageStart, imageEnd)
	mem.Frames.Reserve(bm, bm+size)
	for i := 0; i < bootInfo.NSpans; i++ {
		mem.Frames.Reserve(bootInfo.Spans[i].Start, bootInfo.Spans[i].End)
	}
	return top
}

// placeBitmap finds size bytes of available RAM below 4 GiB (reachable
// through the boot tables) clear of the image and the boot information.
func placeBitmap(size, imageStart, imageEnd uint64) (uint64, bool) {
	try := func(c uint64) bool {
		if c < 1<<20 || c+size > 4<<30 || overlaps(c, c+size, imageStart, imageEnd) {
			return false
		}
		inside := false
		for i := 0; i < bootInfo.NRegions; i++ {
			r := &bootInfo.Regions[i]
			if r.Type == multiboot.MemAvailable {
				inside = inside || (c >= r.Base && c+size <= r.End())
			} else if overlaps(c, c+size, r.Base, r.End()) {
				return false
			}
		}
		for i := 0; i < bootInfo.NSpans; i++ {
			if overlaps(c, c+size, bootInfo.Spans[i].Start, bootInfo.Spans[i].End) {
				return false
			}
		}
		return inside
	}
	best := uint64(0)
	consider := func(c uint64) {
		c = mem.PageRoundUp(c)
		if try(c) && (best == 0 || c < best) {
			best = c
		}
	}
	consider(imageEnd)
	for i := 0; i < bootInfo.NRegions; i++ {
		consider(bootInfo.Regions[i].Base)
		consider(bootInfo.Regions[i].End())
	}
	for i := 0; i < bootInfo.NSpans; i++ {
		consider(bootInfo.Spans[i].End)
	}
	return best, best != 0
}

func overlaps(a, b, c, d uint64) bool { return a < d && c < b }

// mainThread creates the Go program's first thread: a stack area just
// below UserMax holding the Linux initial stack, and a frame that enters
// _rt0_amd64_linux in ring 3 with IOPL 3 (port I/O and CLI/STI allowed)
// and interrupts enabled.
func mainThread(f *arch.Frame, rt0 uint64) bool {
	base := uint64(mem.UserMax - userStackSize)
	if _, err := mem.User.Map(base, userStackSize, linux.PROT_READ|linux.PROT_WRITE, 0, vma.Fixed); err != nil {
		return false
	}
	const initial = 16 << 10 // what BuildStack may use: the top 16 KiB
	b, ok := mem.UserBytes(mem.UserMax-initial, initial, true)
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
	sp, ok := proc.BuildStack(b, mem.UserMax, cmdline, &rnd, vdso.Base)
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

// bootFail reports a fatal boot problem and stops with the fail code: in
// QEMU the test harness sees status 35; on a PC the CPU halts with the
// message on screen.
func bootFail(msg, detail string) {
	console.WriteString(msg)
	console.Line(detail)
	machine.Exit(machine.ExitFail)
}
