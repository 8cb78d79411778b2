package main

import (
	"reflect"
	"testing"
)

func TestParseFacts(t *testing.T) {
	for _, tc := range []struct {
		lines []string
		want  Facts
	}{
		{[]string{
			"  Booting `gokernel'",
			"console: framebuffer 1024x768x32 at 0xfd000000, 128x48 cells, and serial",
			"boot: multiboot2",
			"apic: x2APIC id 0, IOAPIC at 0xfec00000 (24 lines), PIC masked",
			"clock: TSC 2596 MHz (PM timer)",
			"timer: TSC-deadline, 1000 Hz tick",
			"smp: 6 CPUs (APIC IDs 0 1 2 4 5 6)",
			"machine: QEMU Standard PC (Q35 + ICH9, 2009) (pc-q35-7.2), BIOS EFI Development Kit II / OVMF 0.0.0 02/06/2015, UEFI 2.7 EDK II",
			"ready",
			"console: serial only", // after ready: not boot facts
			"> usb: xHCI 1b36:000d at 00:03.0, MSI-X, 8 ports", // after the prompt
		}, Facts{Boot: "multiboot2", Console: "framebuffer 1024x768x32", Interrupts: "x2APIC", Timer: "TSC-deadline", Clock: "PM timer",
			CPUs: "6 (APIC IDs 0 1 2 4 5 6)", MachineName: "QEMU Q35 + ICH9 (pc-q35-7.2)", USBIRQ: "MSI-X"}},
		{[]string{
			"console: vga text 80x25 cells, and serial",
			"boot: multiboot1",
			"apic: off (apic=off); the 8259 PICs",
			"timer: no timer fires; the idle loop polls the clock instead of halting",
			"smp: 1 CPU: the other CPUs need the APICs and the MADT",
			"machine: QEMU Standard PC (i440FX + PIIX, 1996) (pc-i440fx-7.2), BIOS SeaBIOS 1.16.2-debian-1.16.2-1 04/01/2014",
			"keyboard: no PS/2 controller",
			"ready",
			"usb: xHCI 1b36:000d at 00:04.0, polling every 10ms (MSI-X: no vector; no MSI-X or MSI; INTx needs ACPI's _PRT), 8 ports",
		}, Facts{USBIRQ: "polling", Boot: "multiboot1", Console: "vga text", Interrupts: "PIC", Timer: "none", CPUs: "1", MachineName: "QEMU i440FX + PIIX (pc-i440fx-7.2)",
			Notes: []string{"keyboard: no PS/2 controller"}}},
		{[]string{
			"console: UEFI boot without a framebuffer: no screen, serial only",
			"console: serial only",
			"boot: this CPU has no 64-bit long mode; halted",
		}, Facts{Console: "serial", Notes: []string{"console: UEFI boot without a framebuffer: no screen, serial only"}}},
	} {
		if got := ParseFacts(tc.lines); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseFacts(%q)\n = %+v\nwant %+v", tc.lines, got, tc.want)
		}
	}
}

func TestShortMachine(t *testing.T) {
	for in, want := range map[string]string{
		"BOCHS BXPCRSDT, BIOS The Bochs Project Bochs 2.7 29/12/2019": "BOCHS BXPCRSDT",
		"unknown machine": "unknown machine",
		"Dell Inc. PowerEdge R740 (1.2.3), UEFI 2.70 Dell":      "Dell Inc. PowerEdge R740 (1.2.3)",
		"A very long vendor name Incorporated Model 1234567890": "A very long vendor name Incorporated Mo…",
	} {
		if got := ShortMachine(in); got != want {
			t.Errorf("ShortMachine(%q) = %q, want %q", in, got, want)
		}
	}
}
