// Command screenshots boots the kernel the ways a user meets it, types a
// few shell commands on the emulated PS/2 keyboard through QMP, and saves
// what the screen shows (QMP screendump) as PNGs for the README:
//
//	docs/screen-seabios-vga.png   -kernel under SeaBIOS: VGA text, 80x25
//	docs/screen-seabios-fb.png    the ISO under SeaBIOS: GRUB's VBE framebuffer
//	docs/screen-ovmf-fb.png       the ISO under OVMF (UEFI): the GOP framebuffer
//
// make screenshots runs it after building the kernel and the ISO.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"gokernel/tools/vm"
)

type shot struct {
	file     string
	opts     vm.Options
	commands []string // typed one after another, each waited for
}

func main() {
	kernel := flag.String("kernel", "build/kernel.elf", "multiboot ELF")
	iso := flag.String("iso", "build/kernel.iso", "bootable ISO")
	out := flag.String("o", "docs", "output directory")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("screenshots: ")

	shots := []shot{
		{"screen-seabios-vga.png", vm.Options{Kernel: *kernel}, []string{"tasks", "uptime", "sleep 0.5", "echo done"}},
		{"screen-seabios-fb.png", vm.Options{ISO: *iso}, []string{"help", "tasks", "uptime"}},
		{"screen-ovmf-fb.png", vm.Options{ISO: *iso, Firmware: vm.OVMF}, []string{"keymap de", "echo Grüße", "panic", "tasks"}},
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	for _, s := range shots {
		path := filepath.Join(*out, s.file)
		if err := take(s, path); err != nil {
			log.Fatalf("%s: %v", s.file, err)
		}
		fmt.Println(path)
	}
}

// take boots one VM, types its commands once the shell is up, and saves
// the screen.
func take(s shot, path string) error {
	s.opts.QMP = true
	s.opts.Name = s.file
	s.opts.Timeout = 3 * time.Minute
	v, err := vm.Start(s.opts)
	if err != nil {
		return err
	}
	defer v.Kill()
	if _, err := v.ExpectRegexp(regexp.MustCompile(`^ready$`), 2*time.Minute); err != nil {
		return err
	}
	for _, c := range s.commands {
		if err := typeLine(v, c); err != nil {
			return err
		}
		// The command's echo ends with the next prompt: wait for it, so
		// the screen shows the command's output before the next one.
		if _, err := v.ExpectRegexp(regexp.MustCompile(`^> `+regexp.QuoteMeta(c)+`$`), 30*time.Second); err != nil {
			return err
		}
	}
	time.Sleep(time.Second) // the last output, the next prompt
	return v.Screendump(path)
}

// typeLine types c and Enter. Characters beyond US ASCII are typed with
// the German layout's keys (the OVMF shot switches to it first).
func typeLine(v *vm.VM, c string) error {
	var keys []string
	for _, r := range c {
		if k, ok := german[r]; ok {
			keys = append(keys, k)
			continue
		}
		ks, err := vm.KeysFor(string(r))
		if err != nil {
			return err
		}
		keys = append(keys, ks...)
	}
	keys = append(keys, "ret")
	return v.SendKeysHold(20*time.Millisecond, keys...)
}

// german maps the few non-ASCII letters the shots type to the US-layout
// keys that give them under keymap de.
var german = map[rune]string{'ü': "bracket_left", 'ö': "semicolon", 'ä': "apostrophe", 'ß': "minus"}
