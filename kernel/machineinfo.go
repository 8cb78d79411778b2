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
	in := firmware.Input{EFISystemTable: bootInfo.EFISystemTable, Read: readPhysical}
	if bootInfo.RSDPLen > 0 {
		in.RSDP = bootInfo.RSDP[:bootInfo.RSDPLen]
	}
	m, err := firmware.Probe(in)
	fmt.Println(m.String())
	if err != nil {
		fmt.Println(err) // one "firmware: ..." line per problem
	}
	return m
}
