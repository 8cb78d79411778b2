package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"gokernel/arch"
	"gokernel/kernel/console"
)

// testBoot checks what the boot path handed to Go: RAM in the memory map,
// the command line as arguments and environment, and a working console.
func testBoot() error {
	if bootInfo.NRegions == 0 || bootInfo.UsableBytes() < 16<<20 {
		return fmt.Errorf("memory map has %d regions, %d bytes usable", bootInfo.NRegions, bootInfo.UsableBytes())
	}
	if !strings.Contains(cmdline, "test=boot") {
		return fmt.Errorf("command line %q lacks test=boot", cmdline)
	}
	if len(os.Args) == 0 || os.Args[0] != "gokernel" {
		return fmt.Errorf("os.Args = %q", os.Args)
	}
	if v := os.Getenv("test"); v != "boot" {
		return fmt.Errorf("environment test=%q", v)
	}
	const marker = "console: serial and screen ok\n"
	n, err := os.Stdout.WriteString(marker)
	if err != nil || n != len(marker) {
		return fmt.Errorf("console write: %d, %v", n, err)
	}
	if _, err := fmt.Fprintln(os.Stderr, "console: stderr ok"); err != nil {
		return err
	}
	// On the VGA text screen, the cursor (CRT controller registers
	// 0x0E/0x0F, readable from ring 3 with IOPL 3) must have moved past
	// the lines printed so far. (The framebuffer screen is read back from
	// screendumps by the host tests; console=serial has no screen.)
	// console.Active was set in ring 0 before the runtime started.
	if console.Active() != console.VGAScreen {
		return nil
	}
	arch.Outb(0x3D4, 0x0E)
	hi := arch.Inb(0x3D5)
	arch.Outb(0x3D4, 0x0F)
	lo := arch.Inb(0x3D5)
	if pos := int(hi)<<8 | int(lo); pos < 80*3 {
		return errors.New("the VGA cursor did not move: the screen console is not writing")
	}
	return nil
}
