package vm

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// isoPackages are the Debian packages grub-mkrescue needs for an ISO that
// boots under both SeaBIOS and UEFI.
const isoPackages = "grub-common grub-pc-bin grub-efi-amd64-bin xorriso mtools"

// grubPlatformDirs are checked because grub-mkrescue silently leaves out a
// platform whose modules are missing, and the ISO would then not boot
// under that firmware.
var grubPlatformDirs = map[string]string{
	"/usr/lib/grub/i386-pc":    "grub-pc-bin",
	"/usr/lib/grub/x86_64-efi": "grub-efi-amd64-bin",
}

// BuildISO writes outISO, a GRUB rescue ISO (BIOS and UEFI) that boots
// kernelELF by multiboot2 with cmdline. mkrescueArgs go to grub-mkrescue,
// e.g. "--compress=xz". outISO is replaced only once the ISO is complete.
func BuildISO(kernelELF, cmdline, outISO string, mkrescueArgs ...string) error {
	return BuildISOWith(kernelELF, outISO, ISOOptions{Cmdline: cmdline}, mkrescueArgs...)
}

// ISOOptions are what BuildISOWith puts in grub.cfg.
type ISOOptions struct {
	Cmdline string
	// GfxPayload, if set, is GRUB's gfxpayload variable, which overrides
	// the video mode the kernel's multiboot2 header asks for: "text", or
	// "WIDTHxHEIGHTxDEPTH" (tests use 8 bits per pixel, indexed colour,
	// to check the console's fallback).
	GfxPayload string
	// Modules are boot modules, loaded by GRUB's module2 in this order
	// (issue 17: a program, then a cpio archive).
	Modules []ISOModule
}

// ISOModule is a file GRUB loads as a multiboot2 module, with the command
// line the kernel sees for it. GRUB passes only the words after the file
// name, so Line starts with the name the program gets as argv[0].
type ISOModule struct {
	File, Line string
}

var gfxPayload = regexp.MustCompile(`^(text|keep|\d+x\d+(x\d+)?)$`)

// BuildISOWith is BuildISO with more of GRUB's configuration.
func BuildISOWith(kernelELF, outISO string, o ISOOptions, mkrescueArgs ...string) error {
	cfg, err := GrubConfig(o.Cmdline)
	if err != nil {
		return err
	}
	if o.GfxPayload != "" {
		if !gfxPayload.MatchString(o.GfxPayload) {
			return fmt.Errorf("mkiso: gfxpayload %q is not text, keep or WxH[xD]", o.GfxPayload)
		}
		// After the multiboot2 command, which sets gfxpayload from the
		// kernel's framebuffer tag; GRUB reads it when it boots.
		cfg = strings.Replace(cfg, "    boot\n", "    set gfxpayload="+o.GfxPayload+"\n    boot\n", 1)
	}
	if err := checkISOTools(); err != nil {
		return err
	}
	if err := checkELF(kernelELF); err != nil {
		return err
	}

	dir, err := os.MkdirTemp("", "gokernel-iso-")
	if err != nil {
		return fmt.Errorf("mkiso: %w", err)
	}
	defer os.RemoveAll(dir)
	if err := os.MkdirAll(filepath.Join(dir, "boot", "grub"), 0o755); err != nil {
		return fmt.Errorf("mkiso: %w", err)
	}
	if err := copyFile(kernelELF, filepath.Join(dir, "boot", "kernel.elf")); err != nil {
		return fmt.Errorf("mkiso: %w", err)
	}
	for i, m := range o.Modules {
		name := fmt.Sprintf("/boot/module%d", i+1)
		if err := copyFile(m.File, filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("mkiso: %w", err)
		}
		words, err := grubWords(m.Line)
		if err != nil {
			return err
		}
		cfg = strings.Replace(cfg, "    boot\n", "    module2 "+name+words+"\n    boot\n", 1)
	}
	if err := os.WriteFile(filepath.Join(dir, "boot", "grub", "grub.cfg"), []byte(cfg), 0o644); err != nil {
		return fmt.Errorf("mkiso: %w", err)
	}

	// A temporary name beside outISO makes the final rename atomic, so
	// make never sees a half-written ISO.
	tmp, err := os.CreateTemp(filepath.Dir(outISO), "."+filepath.Base(outISO)+".*.tmp")
	if err != nil {
		return fmt.Errorf("mkiso: %w", err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name())

	args := append([]string{"-o", tmp.Name()}, mkrescueArgs...)
	args = append(args, dir)
	out, err := exec.Command(GrubTool("grub-mkrescue"), args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("mkiso: grub-mkrescue %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	// CreateTemp made the file 0600; an ISO is no secret.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("mkiso: %w", err)
	}
	if err := os.Rename(tmp.Name(), outISO); err != nil {
		return fmt.Errorf("mkiso: %w", err)
	}
	return nil
}

// GrubConfig returns the grub.cfg that boots /boot/kernel.elf with cmdline.
//
// GRUB splits the multiboot2 line into words and its loader joins them
// again with single spaces, so runs of blanks collapse. Each word is
// single-quoted, so GRUB expands nothing in it ($, ;, {}). Quotes and
// backslashes are refused: GRUB's loader would pass them on
// backslash-escaped, unlike QEMU's -append, and the kernel would see a
// different command line from an ISO than from -kernel.
func GrubConfig(cmdline string) (string, error) {
	words, err := grubWords(cmdline)
	if err != nil {
		return "", err
	}
	// all_video loads GRUB's VBE, GOP and UGA drivers: without a video
	// driver GRUB cannot set the mode the kernel's multiboot2 header asks
	// for and boots it in text mode (UEFI: no screen at all).
	//
	// Under UEFI GRUB's console is the firmware's, which copies what it
	// shows to the serial port where it has one (OVMF does): GRUB's own
	// serial terminal as well printed every line twice there ("Booting
	// 'gokernel'" twice), so under EFI it writes to the console alone.
	return `set timeout=0
set default=0
insmod all_video
serial --unit=0 --speed=115200
terminal_input console serial
if [ "$grub_platform" = "efi" ]; then
    terminal_output console
else
    terminal_output console serial
fi
menuentry "gokernel" {
    multiboot2 /boot/kernel.elf` + words + `
    boot
}
`, nil
}

// GrubTool returns the name of GRUB's command grub-NAME on this system:
// grub-NAME, or grub2-NAME where only that exists (Fedora's spelling).
func GrubTool(name string) string {
	if _, err := exec.LookPath(name); err != nil {
		alt := strings.Replace(name, "grub-", "grub2-", 1)
		if _, err := exec.LookPath(alt); err == nil {
			return alt
		}
	}
	return name
}

func checkISOTools() error {
	for _, tool := range []string{GrubTool("grub-mkrescue"), "xorriso", "mformat"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("mkiso: %s not found; install the Debian packages %s", tool, isoPackages)
		}
	}
	for dir, pkg := range grubPlatformDirs {
		if _, err := os.Stat(dir); err != nil {
			return fmt.Errorf("mkiso: %s missing (Debian package %s); install %s", dir, pkg, isoPackages)
		}
	}
	return nil
}

func checkELF(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("mkiso: %w", err)
	}
	defer f.Close()
	magic := make([]byte, 4)
	if _, err := io.ReadFull(f, magic); err != nil || !bytes.Equal(magic, []byte("\x7fELF")) {
		return errors.New("mkiso: " + path + " is not an ELF file")
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// grubWords quotes the words of a command line for grub.cfg (see
// GrubConfig), each with a leading blank.
func grubWords(cmdline string) (string, error) {
	if i := strings.IndexFunc(cmdline, func(r rune) bool {
		return r == '"' || r == '\'' || r == '\\' || r < 0x20 && r != '\t' || r == 0x7f
	}); i >= 0 {
		return "", fmt.Errorf("mkiso: command line %q: character %q at %d would reach the kernel changed by GRUB", cmdline, cmdline[i], i)
	}
	var words strings.Builder
	for _, w := range strings.Fields(cmdline) {
		words.WriteString(" '" + w + "'")
	}
	return words.String(), nil
}
