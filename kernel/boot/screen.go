package boot

import (
	"gokernel/kernel/cmdline"
	"gokernel/kernel/console"
	"gokernel/kernel/mem"
	"gokernel/kernel/multiboot"
)

// The screen console: which screen the kernel's output goes to besides
// COM1, chosen at boot (ring 0, before the runtime: nosplit, no
// allocation).
//
// The loader decides what the screen is. QEMU's multiboot1 loader leaves
// the BIOS in VGA text mode (80x25 at 0xB8000). GRUB, asked by the
// multiboot2 header's framebuffer tag (§3.1.10), sets a graphics mode
// through VBE (BIOS) or GOP (UEFI) and describes it in the framebuffer tag
// (§3.6.12); under UEFI there is no VGA text mode at all. So: a direct-RGB
// framebuffer is drawn into; EGA text is the VGA screen; with no
// framebuffer the VGA screen is assumed under BIOS and there is none under
// UEFI. console=vga|fb|serial on the command line overrides the choice.

// maxFramebufferEnd bounds where a framebuffer may lie: the direct map is
// extended to cover it, which costs a page-table page per GiB.
const maxFramebufferEnd = 1 << 40

// framebufferEnd returns the end of the loader's framebuffer if the
// console may draw into it (direct RGB, below maxFramebufferEnd), or 0.
// mem.Setup extends the direct map to cover it.
//
//go:nosplit
func framebufferEnd() uint64 {
	fb := &info.Framebuffer
	if !info.HasFramebuffer || fb.Type != multiboot.FramebufferRGB {
		return 0
	}
	end := fb.Addr + uint64(fb.Pitch)*uint64(fb.Height)
	if end < fb.Addr || end > maxFramebufferEnd {
		return 0
	}
	return end
}

// chooseScreen switches the console to the screen the loader set up, or to
// the one console= names, and prints the `console:` line. Precondition:
// the framebuffer is mapped (below 4 GiB by the boot stub's tables, else by
// mem.Setup; see framebufferEnd).
//
//go:nosplit
func chooseScreen() {
	arg := cmdline.Get(cmdline.Console).Str // checked by the parse
	switch arg {
	case "vga":
		console.UseVGA()
	case "serial":
		console.UseSerialOnly()
	default:
		if !useLoaderFramebuffer() && arg == "fb" {
			console.Line("console: console=fb, but there is no usable framebuffer")
		}
	}
	printScreen()
}

// useLoaderFramebuffer makes the loader's screen the console, and reports
// whether that is a framebuffer.
//
//go:nosplit
func useLoaderFramebuffer() bool {
	fb := &info.Framebuffer
	switch {
	case !info.HasFramebuffer:
		if info.EFISystemTable != 0 {
			console.Line("console: UEFI boot without a framebuffer: no screen, serial only")
			console.UseSerialOnly()
		}
		return false // BIOS: VGA text, as console.Init set up
	case fb.Type == multiboot.FramebufferEGAText:
		return false
	case framebufferEnd() == 0:
		console.WriteString("console: cannot use the framebuffer: ")
		if fb.Type != multiboot.FramebufferRGB {
			console.Line("indexed colour; serial only")
		} else {
			console.Line("it lies above 1 TiB; serial only")
		}
		console.UseSerialOnly()
		return false
	}
	m := console.Framebuffer{
		Addr: mem.Virt(fb.Addr), Pitch: fb.Pitch, Width: fb.Width, Height: fb.Height,
		BPP: fb.BPP, Type: console.FramebufferRGB,
		RedPos: fb.RedPos, RedSize: fb.RedSize, GreenPos: fb.GreenPos, GreenSize: fb.GreenSize,
		BluePos: fb.BluePos, BlueSize: fb.BlueSize,
	}
	if err := console.UseFramebuffer(m); err != nil {
		console.WriteString("console: cannot use the framebuffer: ")
		console.WriteString(err.Error())
		console.Line("; serial only")
		console.UseSerialOnly()
		return false
	}
	return true
}

// printScreen prints the console line: "console: framebuffer 1024x768x32
// at 0xfd000000, 128x48 cells", "console: vga text 80x25" or "console:
// serial only".
//
//go:nosplit
func printScreen() {
	console.WriteString("console: ")
	switch console.Active() {
	case console.FramebufferScreen:
		fb := &info.Framebuffer
		console.WriteString("framebuffer ")
		console.Dec(int64(fb.Width))
		console.WriteString("x")
		console.Dec(int64(fb.Height))
		console.WriteString("x")
		console.Dec(int64(fb.BPP))
		console.WriteString(" at ")
		console.Hex(fb.Addr)
		console.WriteString(", ")
	case console.VGAScreen:
		console.WriteString("vga text ")
	default:
		console.Line("serial only")
		return
	}
	cols, rows := console.TextSize()
	console.Dec(int64(cols))
	console.WriteString("x")
	console.Dec(int64(rows))
	console.Line(" cells, and serial")
}
