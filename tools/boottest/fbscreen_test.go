package boottest

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gokernel/tools/vm"
)

// The ISO under SeaBIOS and OVMF: GRUB sets the 1024x768 graphics mode the
// multiboot2 header asks for, and the console draws text into it. A
// command typed on the PS/2 keyboard, and its output, are read back from a
// screendump by matching each cell against the console's font. The
// screenshots are kept in build/ to look at.
func TestFramebufferScreen(t *testing.T) {
	iso := artifact(t, "kernel.iso")
	for _, fw := range []vm.Firmware{vm.SeaBIOS, vm.OVMF} {
		t.Run(fw.String(), func(t *testing.T) {
			t.Parallel()
			v := vm.StartT(t, vm.Options{ISO: iso, Firmware: fw, QMP: true, Timeout: 3 * time.Minute})
			expectLine(t, v, `^console: framebuffer 1024x768x32 at 0x[0-9a-f]+, 128x48 cells, and serial$`)
			expectLine(t, v, `^ready$`)
			typeKeys(t, v, "e", "c", "h", "o", "spc", "shift-h", "i", "ret")
			expectLine(t, v, `^Hi$`)
			png := filepath.Join(buildDir(), "screen-"+strings.ToLower(fw.String())+".png")
			if err := v.Screendump(png); err != nil {
				t.Fatal(err)
			}
			lines, err := vm.ScreenText(png)
			if err != nil {
				t.Fatal(err)
			}
			screen := strings.Join(lines, "\n") + "\n" // the last line may be the one just drawn
			for _, want := range []string{"\nboot: multiboot2\n", "\ngo: runtime up (go1.", "\nready\n", "\n> echo Hi\nHi\n"} {
				if !strings.Contains(screen, want) {
					t.Errorf("the screen lacks %q; it reads:\n%s", want, screen)
				}
			}
		})
	}
}

// console= picks the screen, or warns and picks by the loader's screen.
// QEMU's multiboot1 loader leaves VGA text mode and gives no framebuffer.
func TestConsoleSetting(t *testing.T) {
	kernel := artifact(t, "kernel.elf")
	for _, tc := range []struct{ cmdline, want, warning string }{
		{"", `^console: vga text 80x25 cells, and serial$`, ""},
		{"console=serial", `^console: serial only$`, ""},
		{"console=fb", `^console: vga text 80x25 cells, and serial$`, `^console: console=fb, but there is no usable framebuffer$`},
		{"console=tty0", `^console: vga text 80x25 cells, and serial$`, `^cmdline: console=tty0: not one of vga, fb, serial; ignored$`},
	} {
		t.Run(tc.cmdline, func(t *testing.T) {
			t.Parallel()
			res := vm.RunTest(t, vm.Options{Kernel: kernel, Memory: "64M", Cmdline: tc.cmdline}, "boot")
			want := []string{tc.want}
			if tc.warning != "" {
				want = append(want, tc.warning)
			}
			expectLines(t, res, want...)
		})
	}
}

// GRUB's gfxpayload overrides the mode the kernel's header asks for: a
// 16-bit framebuffer is drawn too, and "text" leaves the VGA text mode,
// which GRUB reports as an EGA text framebuffer. (An indexed-colour mode,
// which the console refuses, cannot be tested this way: GRUB hangs in the
// VGA BIOS when asked for 8 bits per pixel under SeaBIOS, and GOP has no
// such modes. The console's host tests check the refusal.)
func TestFramebufferFormats(t *testing.T) {
	kernel := artifact(t, "kernel.elf")
	for _, tc := range []struct{ mode, want string }{
		{"800x600x16", `^console: framebuffer 800x600x16 at 0x[0-9a-f]+, 100x37 cells, and serial$`},
		{"text", `^console: vga text 80x25 cells, and serial$`},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			t.Parallel()
			iso := filepath.Join(t.TempDir(), "boot.iso")
			if err := vm.BuildISOWith(kernel, iso, vm.ISOOptions{Cmdline: "test=boot", GfxPayload: tc.mode}); err != nil {
				t.Fatal(err)
			}
			res := vm.RunTest(t, vm.Options{ISO: iso, Timeout: 2 * time.Minute}, "boot")
			expectLines(t, res, tc.want)
		})
	}
}
