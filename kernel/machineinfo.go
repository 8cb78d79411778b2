package main

import (
	"fmt"

	"gokernel/kernel/firmware"
)

// probeMachine reads the firmware's tables (SMBIOS, ACPI) through the
// kernel's physical-memory reads and prints what they say: the boot lines
// `machine:`, `smbios:` and `acpi:`, then one line per table that was
// missing or corrupt. The shell's uptime command names the machine, and
// the PS/2 driver asks whether ACPI knows of an 8042.
func probeMachine() firmware.Machine {
	m, err := firmware.Probe(firmwareInput())
	fmt.Println(m.String())
	if err != nil {
		fmt.Println(err) // one "firmware: ..." line per problem
	}
	return m
}

// firmwareInput is what the loader told about the firmware's tables (its
// copy of the RSDP, the EFI system table), with the kernel's reader of
// physical memory.
func firmwareInput() firmware.Input {
	in := firmware.Input{EFISystemTable: bootInfo.EFISystemTable, Read: readPhysical}
	if bootInfo.RSDPLen > 0 {
		in.RSDP = bootInfo.RSDP[:bootInfo.RSDPLen]
	}
	return in
}
