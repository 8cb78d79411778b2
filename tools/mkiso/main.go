// Command mkiso builds a GRUB rescue ISO that boots the kernel by
// multiboot2 under BIOS and UEFI:
//
//	go run ./tools/mkiso -kernel build/kernel.elf -o build/kernel.iso [-cmdline "..."] [-xz]
package main

import (
	"flag"
	"fmt"
	"os"

	"gokernel/tools/vm"
)

func main() {
	kernel := flag.String("kernel", "", "multiboot2 kernel ELF (required)")
	out := flag.String("o", "", "output ISO (required)")
	cmdline := flag.String("cmdline", "", "kernel command line")
	xz := flag.Bool("xz", false, "xz-compress GRUB's files in the ISO (grub-mkrescue --compress=xz)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: mkiso -kernel ELF -o ISO [-cmdline ARGS] [-xz]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *kernel == "" || *out == "" || flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	var args []string
	if *xz {
		args = append(args, "--compress=xz")
	}
	if err := vm.BuildISO(*kernel, *cmdline, *out, args...); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
