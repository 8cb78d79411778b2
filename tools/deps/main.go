// Command deps checks that the programs and files a make target uses are
// installed, by looking for them (not by asking a package manager, so it
// works on any Linux), and says what to install when they are not: on
// Debian as root it installs them with apt-get; otherwise it prints the
// install command for this system's package manager (apt-get, dnf or
// pacman) and fails.
//
// Usage: deps NEED... where each NEED is a group of build, qemu, iso,
// uefi, bochs or gdb; the Makefile names the groups each target needs.
// make SKIP_DEPS=1 skips the check.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strings"
)

// item is one thing a group needs: a command on PATH, or a file, and the
// package that provides it on each distribution.
type item struct {
	cmd, file            string
	debian, fedora, arch string
}

// OVMF's image: the Makefile passes its OVMF variable in OVMF (the
// default is Debian's path).
func ovmfPath() string {
	if p := os.Getenv("OVMF"); p != "" {
		return p
	}
	return "/usr/share/ovmf/OVMF.fd"
}

// groups are the needs by name, for the Makefile's targets.
func groups() map[string][]item {
	return map[string][]item{
		"build": {
			{cmd: "as", debian: "binutils", fedora: "binutils", arch: "binutils"},
			{cmd: "ld", debian: "binutils", fedora: "binutils", arch: "binutils"},
		},
		"qemu": {
			{cmd: "qemu-system-x86_64", debian: "qemu-system-x86", fedora: "qemu-system-x86", arch: "qemu-system-x86"},
		},
		"iso": {
			{cmd: "grub-mkrescue|grub2-mkrescue", debian: "grub-common", fedora: "grub2-tools-extra", arch: "grub"},
			{cmd: "grub-file|grub2-file", debian: "grub-common", fedora: "grub2-tools-extra", arch: "grub"},
			{file: "/usr/lib/grub/i386-pc", debian: "grub-pc-bin", fedora: "grub2-pc-modules", arch: "grub"},
			{file: "/usr/lib/grub/x86_64-efi", debian: "grub-efi-amd64-bin", fedora: "grub2-efi-x64-modules", arch: "grub"},
			{cmd: "xorriso", debian: "xorriso", fedora: "xorriso", arch: "libisoburn"},
			{cmd: "mformat", debian: "mtools", fedora: "mtools", arch: "mtools"},
		},
		"uefi": {
			{file: ovmfPath(), debian: "ovmf", fedora: "edk2-ovmf", arch: "edk2-ovmf"},
		},
		// tools/vm/bochs.go: Debian's bochs with the term display, its
		// BIOS and the VGA BIOS.
		"bochs": {
			{cmd: "bochs", debian: "bochs", fedora: "bochs", arch: "bochs"},
			{file: "/usr/lib/x86_64-linux-gnu/bochs/plugins/libbx_term_gui.so", debian: "bochs-term", fedora: "bochs", arch: "bochs"},
			{file: "/usr/share/bochs/BIOS-bochs-latest", debian: "bochsbios", fedora: "bochs-bios", arch: "bochs"},
			{file: "/usr/share/vgabios/vgabios.bin", debian: "vgabios", fedora: "bochs-bios", arch: "bochs"},
		},
		"gdb": {
			{cmd: "gdb", debian: "gdb", fedora: "gdb", arch: "gdb"},
		},
	}
}

func (it item) present(lookPath func(string) (string, error), stat func(string) (os.FileInfo, error)) bool {
	if it.cmd != "" {
		for _, c := range strings.Split(it.cmd, "|") {
			if _, err := lookPath(c); err == nil {
				return true
			}
		}
		return false
	}
	_, err := stat(it.file)
	return err == nil
}

func (it item) what() string {
	if it.cmd != "" {
		return strings.Split(it.cmd, "|")[0]
	}
	return it.file
}

// missing returns what the needs lack, and an error for an unknown need.
func missing(needs []string, lookPath func(string) (string, error), stat func(string) (os.FileInfo, error)) ([]item, error) {
	gs := groups()
	var out []item
	for _, n := range needs {
		g, ok := gs[n]
		if !ok {
			return nil, fmt.Errorf("unknown need %q", n)
		}
		for _, it := range g {
			if !it.present(lookPath, stat) && !slices.Contains(out, it) {
				out = append(out, it)
			}
		}
	}
	return out, nil
}

// packages returns the distinct package names of items for a distribution.
func packages(items []item, distro string) []string {
	seen := map[string]bool{}
	var out []string
	for _, it := range items {
		p := map[string]string{"debian": it.debian, "fedora": it.fedora, "arch": it.arch}[distro]
		if p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// installCommand is the command that installs pkgs on distro.
func installCommand(distro string, pkgs []string) string {
	p := strings.Join(pkgs, " ")
	switch distro {
	case "fedora":
		return "sudo dnf install -y " + p
	case "arch":
		return "sudo pacman -S --needed " + p
	}
	return "sudo apt-get install -y --no-install-recommends " + p
}

// distro reads ID and ID_LIKE from os-release: debian, fedora, arch, or ""
// for a system it does not know.
func distro(r io.Reader) string {
	var ids []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if ok && (k == "ID" || k == "ID_LIKE") {
			ids = append(ids, strings.Fields(strings.Trim(v, `"'`))...)
		}
	}
	for _, id := range ids {
		switch id {
		case "debian", "ubuntu":
			return "debian"
		case "fedora", "rhel", "centos":
			return "fedora"
		case "arch", "archlinux":
			return "arch"
		}
	}
	return ""
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: deps NEED... (build, qemu, iso, uefi, bochs, gdb)")
		os.Exit(2)
	}
	miss, err := missing(os.Args[1:], exec.LookPath, os.Stat)
	if err != nil {
		fmt.Fprintln(os.Stderr, "deps:", err)
		os.Exit(2)
	}
	if len(miss) == 0 {
		return
	}
	d := ""
	if f, err := os.Open("/etc/os-release"); err == nil {
		d = distro(f)
		f.Close()
	}
	var what []string
	for _, it := range miss {
		what = append(what, it.what())
	}
	fmt.Fprintf(os.Stderr, "deps: missing %s\n", strings.Join(what, ", "))
	if d == "debian" && os.Geteuid() == 0 {
		if _, err := exec.LookPath("apt-get"); err == nil && install(packages(miss, d)) == nil {
			return
		}
	}
	fmt.Fprintln(os.Stderr, "install them with:")
	switch d {
	case "":
		for _, x := range []string{"debian", "fedora", "arch"} {
			fmt.Fprintf(os.Stderr, "  %-7s %s\n", x+":", installCommand(x, packages(miss, x)))
		}
	default:
		fmt.Fprintf(os.Stderr, "  %s\n", installCommand(d, packages(miss, d)))
	}
	fmt.Fprintln(os.Stderr, "or skip this check with make SKIP_DEPS=1 (README: \"Setup\")")
	os.Exit(1)
}

// install runs apt-get as root, quietly.
func install(pkgs []string) error {
	fmt.Fprintf(os.Stderr, "deps: installing %s\n", strings.Join(pkgs, " "))
	run := func(args ...string) error {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
		return cmd.Run()
	}
	if err := run("apt-get", "update", "-qq"); err != nil {
		return err
	}
	args := append([]string{"apt-get", "install", "-y", "-qq", "--no-install-recommends"}, pkgs...)
	if err := run(args...); err != nil {
		return err
	}
	// What apt-get put in place must now be found.
	if m, _ := missing(os.Args[1:], exec.LookPath, os.Stat); len(m) > 0 {
		return fmt.Errorf("still missing after apt-get: %v", m[0].what())
	}
	return nil
}
