package ktest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"

	"gokernel/kernel/boot"
	"gokernel/kernel/console"
	"gokernel/kernel/dev/vga"
	"gokernel/kernel/firmware"
	"gokernel/kernel/kcall"
	"gokernel/kernel/tasks"
)

// Boot tests: what the boot path handed to Go, and the firmware's tables.

func init() {
	later(func() {
		register("boot",
			Test{Name: "boot", Run: testBoot, Note: "the memory map has usable RAM, the command line was read, the console works"},
			Test{Name: "firmware", Run: testFirmware, Note: "SMBIOS and ACPI read through the private call's ReadPhys name the machine"},
		)
	})
}

// testBoot checks what the boot path handed to Go: RAM in the memory map,
// the command line as arguments and environment, and a working console.
func testBoot() error {
	in := boot.Info()
	if in.NRegions == 0 || in.UsableBytes() < 12<<20 {
		return fmt.Errorf("memory map has %d regions, %d bytes usable", in.NRegions, in.UsableBytes())
	}
	if !strings.Contains(boot.Cmdline(), "test=boot") {
		return fmt.Errorf("command line %q lacks test=boot", boot.Cmdline())
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
	// On the VGA text screen, the hardware cursor (readable from ring 3
	// with IOPL 3) must have moved past the lines printed so far. (The framebuffer screen is read back from
	// screendumps by the host tests; console=serial has no screen.)
	// console.Active was set in ring 0 before the runtime started.
	if console.Active() != console.VGAScreen {
		return nil
	}
	if pos := vga.Cursor(); pos < vga.Cols*3 {
		return errors.New("the VGA cursor did not move: the screen console is not writing")
	}
	return nil
}

// testFirmware reads the firmware's tables through opReadPhys and checks
// what every PC QEMU emulates has: an SMBIOS entry point naming the
// machine and an ACPI RSDP with a FADT. It also checks the read itself:
// the legacy BIOS area ends in the reset vector's far jump (0xEA at
// 0xFFFF0, the first instruction the CPU runs; SDM Vol. 3A, 9.1.4) under
// SeaBIOS, and reads past the direct map are refused with EFAULT.
func testFirmware() error {
	m, err := firmware.Probe(tasks.FirmwareInput())
	fmt.Println(m.String())
	if err != nil {
		return err
	}
	switch {
	case m.Name == "" || m.SMBIOSVersion == "":
		return fmt.Errorf("no SMBIOS machine name")
	case m.ACPIRevision < 0 || m.FADTRevision == 0:
		return fmt.Errorf("no ACPI RSDP or FADT")
	}
	if boot.Info().EFISystemTable == 0 {
		b, err := kcall.ReadPhysical(0xFFFF0, 16)
		if err != nil {
			return fmt.Errorf("reading the reset vector: %v", err)
		}
		if b[0] != 0xEA {
			return fmt.Errorf("reset vector starts % x, want a far jump (ea)", b[:5])
		}
	}
	if _, err := kcall.ReadPhysical(1<<62, 16); !errors.Is(err, syscall.EFAULT) {
		return fmt.Errorf("read at 2^62: got %v, want EFAULT", err)
	}
	if b, err := kcall.ReadPhysical(0, 0); err != nil || !bytes.Equal(b, []byte{}) {
		return fmt.Errorf("empty read: %v", err)
	}
	return nil
}
