package main

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
)

func fakeSystem(have ...string) (func(string) (string, error), func(string) (os.FileInfo, error)) {
	look := func(c string) (string, error) {
		if slices.Contains(have, c) {
			return "/usr/bin/" + c, nil
		}
		return "", errors.New("not found")
	}
	stat := func(f string) (os.FileInfo, error) {
		if slices.Contains(have, f) {
			return nil, nil
		}
		return nil, os.ErrNotExist
	}
	return look, stat
}

// make run needs QEMU, not Bochs, OVMF or GRUB (issue 16, item 1).
func TestRunNeedsOnlyQEMU(t *testing.T) {
	look, stat := fakeSystem("as", "ld", "qemu-system-x86_64")
	m, err := missing([]string{"build", "qemu"}, look, stat)
	if err != nil || len(m) != 0 {
		t.Fatalf("missing = %v, %v; want nothing", m, err)
	}
	m, _ = missing([]string{"build", "qemu", "uefi"}, look, stat)
	if len(m) != 1 || m[0].debian != "ovmf" {
		t.Fatalf("run-uefi: missing = %v, want OVMF only", m)
	}
}

// Fedora names GRUB's commands grub2-*; either name will do.
func TestGrub2Names(t *testing.T) {
	look, stat := fakeSystem("grub2-mkrescue", "grub2-file", "/usr/lib/grub/i386-pc", "/usr/lib/grub/x86_64-efi", "xorriso", "mformat")
	if m, _ := missing([]string{"iso"}, look, stat); len(m) != 0 {
		t.Fatalf("missing = %v", m)
	}
}

func TestInstallCommands(t *testing.T) {
	look, stat := fakeSystem()
	m, _ := missing([]string{"qemu", "iso", "uefi", "bochs", "gdb", "build"}, look, stat)
	for _, c := range []struct{ distro, want string }{
		{"debian", "sudo apt-get install -y --no-install-recommends binutils bochs bochs-term bochsbios gdb grub-common grub-efi-amd64-bin grub-pc-bin mtools ovmf qemu-system-x86 vgabios xorriso"},
		{"fedora", "sudo dnf install -y binutils bochs bochs-bios edk2-ovmf gdb grub2-efi-x64-modules grub2-pc-modules grub2-tools-extra mtools qemu-system-x86 xorriso"},
		{"arch", "sudo pacman -S --needed binutils bochs edk2-ovmf gdb grub libisoburn mtools qemu-system-x86"},
	} {
		if got := installCommand(c.distro, packages(m, c.distro)); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.distro, got, c.want)
		}
	}
	if _, err := missing([]string{"nonsense"}, look, stat); err == nil {
		t.Error("an unknown need was accepted")
	}
}

// The README's Fedora and Arch package names are the ones this tool prints.
func TestReadmeNames(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	look, stat := fakeSystem()
	m, _ := missing([]string{"qemu", "iso", "uefi", "bochs", "gdb", "build"}, look, stat)
	for _, d := range []string{"fedora", "arch"} {
		if cmd := installCommand(d, packages(m, d)); !strings.Contains(string(b), cmd) {
			t.Errorf("README lacks the %s line %q", d, cmd)
		}
	}
}

func TestDistro(t *testing.T) {
	for in, want := range map[string]string{
		"ID=debian\n":                 "debian",
		"ID=ubuntu\nID_LIKE=debian\n": "debian",
		"ID=fedora\n":                 "fedora",
		"ID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\n": "fedora",
		"ID=arch\n":                      "arch",
		"ID=endeavouros\nID_LIKE=arch\n": "arch",
		"ID=alpine\n":                    "",
	} {
		if got := distro(strings.NewReader(in)); got != want {
			t.Errorf("distro(%q) = %q, want %q", in, got, want)
		}
	}
}
