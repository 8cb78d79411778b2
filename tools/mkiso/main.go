// Command mkiso builds a GRUB rescue ISO that boots the kernel by
// multiboot2 under BIOS and UEFI:
//
//	go run ./tools/mkiso -kernel build/kernel.elf -o build/kernel.iso [-cmdline "..."] [-xz] [-module "FILE ARGS"]...
//
// Each -module is a boot module GRUB loads with module2 (issue 17: a static
// Go program, then a cpio archive for /); the kernel sees FILE's base name
// and ARGS as its command line.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gokernel/tools/vm"
)

func main() {
	kernel := flag.String("kernel", "", "multiboot2 kernel ELF (required)")
	out := flag.String("o", "", "output ISO (required)")
	cmdline := flag.String("cmdline", "", "kernel command line")
	xz := flag.Bool("xz", false, "xz-compress GRUB's files in the ISO (grub-mkrescue --compress=xz)")
	var modules []vm.ISOModule
	flag.Func("module", "a boot module: \"FILE ARGS\" (repeatable)", func(v string) error {
		file, args, _ := strings.Cut(strings.TrimSpace(v), " ")
		modules = append(modules, vm.ISOModule{File: file, Line: strings.TrimSpace(filepath.Base(file) + " " + args)})
		return nil
	})
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
	if err := vm.BuildISOWith(*kernel, *out, vm.ISOOptions{Cmdline: *cmdline, Modules: modules}, args...); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
