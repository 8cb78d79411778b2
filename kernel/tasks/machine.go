package tasks

import (
	"fmt"

	"gokernel/kernel/boot"
	"gokernel/kernel/firmware"
	"gokernel/kernel/kcall"
)

// ProbeMachine reads the firmware's tables (SMBIOS, ACPI) through the
// kernel's physical-memory reads and prints what they say: the boot lines
// `machine:`, `smbios:` and `acpi:`, then one line per table that was
// missing or corrupt. The shell's uptime command names the machine, and
// StartKeyboard asks whether ACPI knows of an 8042.
func ProbeMachine() firmware.Machine {
	m, err := firmware.Probe(FirmwareInput())
	fmt.Println(m.String())
	if err != nil {
		fmt.Println(err) // one "firmware: ..." line per problem
	}
	return m
}

// FirmwareInput is what the loader told about the firmware's tables (its
// copy of the RSDP, the EFI system table), with the kernel's reader of
// physical memory.
func FirmwareInput() firmware.Input {
	in := boot.Info()
	fi := firmware.Input{EFISystemTable: in.EFISystemTable, Read: kcall.ReadPhysical}
	if in.RSDPLen > 0 {
		fi.RSDP = in.RSDP[:in.RSDPLen]
	}
	return fi
}
