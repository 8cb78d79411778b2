package main

import (
	"bytes"
	"errors"
	"fmt"
	"syscall"

	"gokernel/kernel/firmware"
)

// testFirmware reads the firmware's tables through opReadPhys and checks
// what every PC QEMU emulates has: an SMBIOS entry point naming the
// machine and an ACPI RSDP with a FADT. It also checks the read itself:
// the legacy BIOS area ends in the reset vector's far jump (0xEA at
// 0xFFFF0, the first instruction the CPU runs; SDM Vol. 3A, 9.1.4) under
// SeaBIOS, and reads past the direct map are refused with EFAULT.
func testFirmware() error {
	m, err := firmware.Probe(firmwareInput())
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
	if bootInfo.EFISystemTable == 0 {
		b, err := readPhysical(0xFFFF0, 16)
		if err != nil {
			return fmt.Errorf("reading the reset vector: %v", err)
		}
		if b[0] != 0xEA {
			return fmt.Errorf("reset vector starts % x, want a far jump (ea)", b[:5])
		}
	}
	if _, err := readPhysical(1<<62, 16); !errors.Is(err, syscall.EFAULT) {
		return fmt.Errorf("read at 2^62: got %v, want EFAULT", err)
	}
	if b, err := readPhysical(0, 0); err != nil || !bytes.Equal(b, []byte{}) {
		return fmt.Errorf("empty read: %v", err)
	}
	return nil
}
