package main

import (
	"fmt"
	"strings"

	"gokernel/tools/vm"
)

// Image is what a case boots.
type Image string

const (
	KernelImage Image = "kernel" // build/kernel.elf by QEMU's -kernel (multiboot1)
	ISOImage    Image = "ISO"    // build/kernel.iso through GRUB (multiboot2)
)

// Firmware names, as the table shows them.
const (
	SeaBIOS   = "SeaBIOS"
	OVMF      = "OVMF"
	BochsBIOS = "Bochs BIOS"
)

// Case is one row of the matrix: an image under one emulator setup.
type Case struct {
	Image    Image
	Firmware string // SeaBIOS, OVMF or BochsBIOS
	Machine  string // QEMU -machine, or Bochs's only PC, an i440FX
	CPU      string // QEMU -cpu, or Bochs's cpu model
	Cmdline  string // the kernel command line (-kernel only)
	SMP      string // QEMU -smp, "" for one CPU
	USB      bool   // an xHCI controller and a USB keyboard, which types the echo
	NA       string // if set, the case cannot run here: the row says why
}

// Bochs reports whether the case runs under Bochs rather than QEMU.
func (c Case) Bochs() bool { return c.Firmware == BochsBIOS }

// Name identifies the case in progress lines and serial log names.
func (c Case) Name() string {
	n := fmt.Sprintf("%s-%s-%s-%s", c.Image, c.Firmware, c.Machine, c.CPU)
	if c.Cmdline != "" {
		n += "-" + c.Cmdline
	}
	if c.SMP != "" {
		n += "-smp" + c.SMP
	}
	if c.USB {
		n += "-usb"
	}
	return strings.NewReplacer(" ", "", ",", "_", "=", "_").Replace(n)
}

// timerCases are the interrupt-and-timer configurations: QEMU without the
// 8254 (as on chipsets that gate it), also without the HPET (the PM timer
// calibrates), the PICs and the 8254 by choice, the microvm machine (no
// PCI, two I/O APICs), and by GRUB without the 8254.
var timerCases = []Case{
	{Image: KernelImage, Firmware: SeaBIOS, Machine: "q35,pit=off", CPU: "qemu64"},
	{Image: KernelImage, Firmware: SeaBIOS, Machine: "pc,pit=off", CPU: "max"},
	{Image: KernelImage, Firmware: SeaBIOS, Machine: "q35,pit=off,hpet=off", CPU: "max"},
	{Image: KernelImage, Firmware: SeaBIOS, Machine: "pc", CPU: "qemu64", Cmdline: "apic=off"},
	{Image: KernelImage, Firmware: SeaBIOS, Machine: "microvm", CPU: "max"},
	{Image: ISOImage, Firmware: SeaBIOS, Machine: "q35,pit=off", CPU: "max"},
	{Image: ISOImage, Firmware: OVMF, Machine: "q35,pit=off,hpet=off", CPU: "max"},
}

// smpCases start the other CPUs: four on Q35 with both CPU models, through
// UEFI (whose firmware parks the APs its own way) and BIOS, and two
// sockets of three cores, whose APIC IDs have gaps (0 1 2 4 5 6).
var smpCases = []Case{
	{Image: KernelImage, Firmware: SeaBIOS, Machine: "q35", CPU: "max", SMP: "4"},
	{Image: KernelImage, Firmware: SeaBIOS, Machine: "q35", CPU: "qemu64", SMP: "4"},
	{Image: ISOImage, Firmware: OVMF, Machine: "q35", CPU: "max", SMP: "4"},
	{Image: KernelImage, Firmware: SeaBIOS, Machine: "pc", CPU: "max", SMP: "6,sockets=2,cores=3"},
}

// usbCases boot a q35 without an 8042, as a PC whose firmware no longer
// fakes one, with QEMU's xHCI controller and a USB keyboard, by each
// loader and firmware: the echo is typed on the USB keyboard (QMP), and
// the row names the controller's interrupt.
var usbCases = []Case{
	{Image: KernelImage, Firmware: SeaBIOS, Machine: "q35,i8042=off", CPU: "max", USB: true},
	{Image: ISOImage, Firmware: SeaBIOS, Machine: "q35,i8042=off", CPU: "max", USB: true},
	{Image: ISOImage, Firmware: OVMF, Machine: "q35,i8042=off", CPU: "max", USB: true},
}

// bochsX2APIC is the Bochs model with x2APIC and TSC-deadline.
const bochsX2APIC = "corei7_haswell_4770"

// The why of n/a rows.
const (
	naKernelOVMF = "QEMU's multiboot loader (-kernel) runs only under SeaBIOS"
	naNoBochs    = "Bochs not installed: apt-get install -y --no-install-recommends " + vm.BochsPackages
)

// quickSet is the reduced matrix for CI: both protocols, both firmwares,
// both machines and both CPU models each appear at least once.
var quickSet = []Case{
	{Image: KernelImage, Firmware: SeaBIOS, Machine: "pc", CPU: "qemu64"},
	{Image: KernelImage, Firmware: SeaBIOS, Machine: "q35", CPU: "max"},
	{Image: ISOImage, Firmware: SeaBIOS, Machine: "pc", CPU: "qemu64"},
	{Image: ISOImage, Firmware: OVMF, Machine: "q35", CPU: "max"},
}

// Cases returns the matrix for set ("full", "quick" or "usb": the USB
// cases alone, with no Bochs row) with the Bochs row
// chosen by bochs ("auto", "on" or "off"): haveBochs tells whether Bochs
// can run here, and bochsCPU is the model its row uses.
func Cases(set, bochs string, haveBochs bool, bochsCPU string) ([]Case, error) {
	var cases []Case
	switch set {
	case "full":
		for _, img := range []Image{KernelImage, ISOImage} {
			for _, fw := range []string{SeaBIOS, OVMF} {
				for _, m := range []string{"pc", "q35"} {
					for _, cpu := range []string{"qemu64", "max"} {
						c := Case{Image: img, Firmware: fw, Machine: m, CPU: cpu}
						if img == KernelImage && fw == OVMF {
							c.NA = naKernelOVMF
						}
						cases = append(cases, c)
					}
				}
			}
		}
		cases = append(cases, timerCases...)
		cases = append(cases, smpCases...)
		cases = append(cases, usbCases...)
	case "quick":
		cases = append(cases, quickSet...)
	case "usb":
		return append(cases, usbCases...), nil
	default:
		return nil, fmt.Errorf("-set %q: want full, quick or usb", set)
	}
	// Bochs's models show the APIC modes QEMU's TCG lacks: bochsCPU (Sandy
	// Bridge by default: xAPIC, TSC-deadline) and Haswell (x2APIC,
	// TSC-deadline), in the full set.
	bs := []Case{{Image: ISOImage, Firmware: BochsBIOS, Machine: "Bochs i440FX", CPU: bochsCPU}}
	if set == "full" && bochsCPU != bochsX2APIC {
		bs = append(bs, Case{Image: ISOImage, Firmware: BochsBIOS, Machine: "Bochs i440FX", CPU: bochsX2APIC})
	}
	switch bochs {
	case "off":
		return cases, nil
	case "auto":
		if !haveBochs {
			for i := range bs {
				bs[i].NA = naNoBochs
			}
		}
	case "on":
		// Run even when missing: the case fails and says why.
	default:
		return nil, fmt.Errorf("-bochs %q: want auto, on or off", bochs)
	}
	return append(cases, bs...), nil
}
