package main

import (
	"regexp"
	"strings"
)

// Boot facts are read from the lines the kernel prints on COM1 before
// `ready` (kernel/screen.go printScreen, kernel/firmware Machine.String):
//
//	console: framebuffer 1024x768x32 at 0xfd000000, 128x48 cells, and serial
//	console: vga text 80x25 cells, and serial
//	console: serial only
//	boot: multiboot2
//	machine: QEMU Standard PC (Q35 + ICH9, 2009) (pc-q35-7.2), BIOS ..., UEFI ...
//
// and one after it, from the USB driver (kernel/usbhost/controller.go):
//
//	usb: xHCI 1b36:000d at 00:03.0, MSI-X, 8 ports

// Facts are what a boot said about itself.
type Facts struct {
	Boot        string   // multiboot1 or multiboot2
	Console     string   // "framebuffer WxHxBPP", "vga text" or "serial"
	Interrupts  string   // "xAPIC", "x2APIC" or "PIC"
	Timer       string   // "TSC-deadline", "LAPIC one-shot", "PIT" or "none"
	Clock       string   // the TSC's source: "HPET", "PM timer", "PIT", ...
	CPUs        string   // "4 (APIC IDs 0 1 2 3)"
	MachineName string   // shortened machine: name
	USBIRQ      string   // the xHCI controller's interrupt: "MSI-X", "MSI", "polling"
	Notes       []string // lines that report a problem (keyboard:, console: trouble)
}

var (
	bootRE    = regexp.MustCompile(`^boot: (multiboot\d)$`)
	fbRE      = regexp.MustCompile(`^console: framebuffer (\d+x\d+x\d+) `)
	machineRE = regexp.MustCompile(`^machine: (.*)$`)
	apicRE    = regexp.MustCompile(`^apic: (xAPIC|x2APIC|off)\b`)
	timerRE   = regexp.MustCompile(`^timer: (TSC-deadline|LAPIC one-shot|PIT|no timer fires)\b`)
	clockRE   = regexp.MustCompile(`^clock: TSC \d+ MHz \((.*)\)$`)
	smpRE     = regexp.MustCompile(`^smp: (\d+) CPUs?(?: \(APIC IDs? ([\d ]+)\))?`)
	// QEMU's SMBIOS product names: "Standard PC (Q35 + ICH9, 2009)".
	xhciRE   = regexp.MustCompile(`usb: xHCI [0-9a-f]{4}:[0-9a-f]{4} at \S+, (MSI-X|MSI|polling)\b`)
	qemuPCRE = regexp.MustCompile(`^QEMU Standard PC \(([^,()]+), \d{4}\)`)
)

// maxMachine bounds the Machine name column.
const maxMachine = 40

// ParseFacts reads the boot facts from serial lines. The last console
// line wins: a problem line ("console: cannot use the framebuffer: ...")
// comes before the one that names the screen in use. After `ready` only
// the USB line counts (it may follow the shell's prompt).
func ParseFacts(lines []string) Facts {
	var f Facts
	ready := false
	for _, l := range lines {
		if m := xhciRE.FindStringSubmatch(l); m != nil && f.USBIRQ == "" {
			f.USBIRQ = m[1]
		}
		if ready {
			continue
		}
		switch {
		case bootRE.MatchString(l):
			f.Boot = bootRE.FindStringSubmatch(l)[1]
		case fbRE.MatchString(l):
			f.Console = "framebuffer " + fbRE.FindStringSubmatch(l)[1]
		case strings.HasPrefix(l, "console: vga text "):
			f.Console = "vga text"
		case l == "console: serial only":
			f.Console = "serial"
		case strings.HasPrefix(l, "console: "), strings.HasPrefix(l, "keyboard: "):
			f.Notes = append(f.Notes, l)
		case machineRE.MatchString(l):
			f.MachineName = ShortMachine(machineRE.FindStringSubmatch(l)[1])
		case apicRE.MatchString(l):
			f.Interrupts = strings.Replace(apicRE.FindStringSubmatch(l)[1], "off", "PIC", 1)
		case timerRE.MatchString(l):
			f.Timer = strings.Replace(timerRE.FindStringSubmatch(l)[1], "no timer fires", "none", 1)
		case clockRE.MatchString(l):
			f.Clock = clockRE.FindStringSubmatch(l)[1]
		case smpRE.MatchString(l):
			m := smpRE.FindStringSubmatch(l)
			f.CPUs = m[1]
			if m[1] != "1" {
				f.CPUs += " (APIC IDs " + m[2] + ")"
			}
		}
		ready = l == "ready"
	}
	return f
}

// ShortMachine drops the firmware part of a machine: line and QEMU's
// boilerplate: "QEMU Standard PC (i440FX + PIIX, 1996) (pc-i440fx-7.2),
// BIOS SeaBIOS ..." becomes "QEMU i440FX + PIIX (pc-i440fx-7.2)".
func ShortMachine(s string) string {
	for _, sep := range []string{", BIOS ", ", UEFI "} {
		if i := strings.Index(s, sep); i >= 0 {
			s = s[:i]
		}
	}
	s = qemuPCRE.ReplaceAllString(s, "QEMU $1")
	if r := []rune(s); len(r) > maxMachine {
		s = string(r[:maxMachine-1]) + "…"
	}
	return s
}
