package boot

import (
	"gokernel/arch"
	"unsafe"

	"gokernel/kernel/cmdline"
	"gokernel/kernel/console"
	"gokernel/kernel/mem"
	"gokernel/kernel/multiboot"
	"gokernel/kernel/trap"
)

// Console starts the serial port and the VGA text screen, so that the
// first lines have somewhere to go.
//
//go:nosplit
func Console() { console.Init() }

// EarlyTraps loads an IDT whose every stack is a boot stack, so that a
// fault during boot is reported rather than a triple fault. vecs and
// sysent are the entry stubs' addresses.
//
//go:nosplit
func EarlyTraps(vecs, sysent uint64) {
	early := uint64(uintptr(unsafe.Pointer(&earlyIST[len(earlyIST)-1])))
	trap.Init(vecs, sysent, trap.Stacks{Kernel: early, DoubleFault: early, NMI: early, MachineCheck: early})
}

// Loader reads the boot loader's information (magic and the address info)
// and the command line, switches the console to the screen the loader set
// up, and prints the "console:" and "boot:" lines. A framebuffer above 4
// GiB (rare) waits until Memory maps it.
//
//go:nosplit
func Loader(magic, infoAddr uint64) {
	if err := multiboot.Parse(uint32(magic), infoAddr, physBelow4G, &info); err != multiboot.OK {
		fail("boot: cannot read the boot information: ", err.Error())
	}
	line = info.CommandLine() // without a Multiboot 1 file name
	cmdline.Boot.Parse(line)
	if framebufferEnd() <= 4<<30 {
		chooseScreen()
	}
	console.WriteString("boot: ")
	console.Line(info.ProtocolName())
	if msg, n := problem(&info); msg != "" {
		console.WriteString(msg)
		if n != 0 {
			console.Dec(int64(n))
			console.WriteString(" bytes, the limit is ")
			console.Dec(multiboot.MaxCmdline - 1)
		}
		fail("", "")
	}
}

// physBelow4G views physical memory through the boot stub's tables, which
// alias the first 4 GiB at the direct-map base.
//
//go:nosplit
func physBelow4G(addr, n uint64) []byte {
	if addr >= 4<<30 || n > 4<<30-addr {
		return nil
	}
	return unsafe.Slice((*byte)(arch.Ptr(mem.Virt(addr))), n)
}

// problem says why the kernel cannot boot with the loader's information,
// or returns "". For a command line that is too long it also returns its
// length, for the message.
//
//go:nosplit
func problem(in *multiboot.Info) (string, int) {
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
