// Command capture boots a halting multiboot kernel in QEMU, saves guest
// RAM through the QEMU monitor, and writes the physical ranges that
// firmware.Probe reads (plus the multiboot information) as test data:
//
//	go run ./kernel/firmware/testdata/capture -machine q35 -bios ovmf [-smbios64] -o kernel/firmware/testdata/q35-ovmf
//
// The guest is build/empty.elf (make -C /work/main build/empty.elf)
// without QEMU's isa-debug-exit device: after printing "empty: ok" its
// out to port 0xf4 does nothing and it halts with interrupts off, EBX
// still holding the multiboot information address. With -bios seabios it
// is loaded by QEMU's -kernel (multiboot 1, no RSDP tag); with -bios ovmf
// by GRUB from an ISO (multiboot2: tags 12, 14/15). The directory gets
// one gzip file per range, mem-ADDR.bin.gz (ADDR in hex), and boot.txt.
//
// It lives under testdata so that go build/vet/test ./... skip it.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gokernel/kernel/firmware"
	"gokernel/kernel/multiboot"
	"gokernel/tools/vm"
)

const ramSize = 128 << 20

func main() {
	machine := flag.String("machine", "pc", "QEMU -machine: pc or q35")
	bios := flag.String("bios", "seabios", "seabios (QEMU -kernel, multiboot 1) or ovmf (GRUB ISO, multiboot2)")
	kernel := flag.String("kernel", "build/empty.elf", "the halting guest")
	sm3 := flag.Bool("smbios64", false, "ask QEMU for a 64-bit SMBIOS 3 entry point (smbios-entry-point-type=64)")
	out := flag.String("o", "", "output directory (required)")
	flag.Parse()
	if *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	if *sm3 {
		*machine += ",smbios-entry-point-type=64"
	}
	if err := run(*machine, *bios, *kernel, *out); err != nil {
		fmt.Fprintln(os.Stderr, "capture:", err)
		os.Exit(1)
	}
}

func run(machine, bios, kernel, out string) error {
	tmp, err := os.MkdirTemp("", "fwcapture-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	args := []string{"-machine", machine, "-accel", "tcg", "-m", "128M", "-no-reboot",
		"-display", "none", "-serial", "file:" + filepath.Join(tmp, "serial.txt"),
		"-monitor", "unix:" + filepath.Join(tmp, "mon.sock") + ",server=on,wait=off"}
	protocol := 1
	switch bios {
	case "seabios":
		args = append(args, "-kernel", kernel)
	case "ovmf":
		iso := filepath.Join(tmp, "empty.iso")
		if err := vm.BuildISO(kernel, "", iso); err != nil {
			return err
		}
		args = append(args, "-bios", "/usr/share/ovmf/OVMF.fd", "-cdrom", iso)
		protocol = 2
	default:
		return fmt.Errorf("unknown -bios %q", bios)
	}
	cmd := exec.Command("qemu-system-x86_64", args...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()

	// Wait for the guest's line.
	deadline := time.Now().Add(120 * time.Second)
	for {
		s, _ := os.ReadFile(filepath.Join(tmp, "serial.txt"))
		if bytes.Contains(s, []byte("empty: ok")) {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no \"empty: ok\" from the guest; serial: %q", s)
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // let it reach hlt

	conn, err := net.Dial("unix", filepath.Join(tmp, "mon.sock"))
	if err != nil {
		return err
	}
	defer conn.Close()
	mon := &monitor{c: conn, r: bufio.NewReader(conn)}
	if _, err := mon.until(); err != nil { // banner
		return err
	}
	version, err := mon.cmd("info version")
	if err != nil {
		return err
	}
	regs, err := mon.cmd("info registers")
	if err != nil {
		return err
	}
	m := regexp.MustCompile(`EBX=([0-9a-f]{8})`).FindStringSubmatch(regs)
	if m == nil {
		return fmt.Errorf("no EBX in %q", regs)
	}
	ebx, _ := strconv.ParseUint(m[1], 16, 32)
	ramFile := filepath.Join(tmp, "ram.bin")
	if _, err := mon.cmd(fmt.Sprintf("pmemsave 0 %#x \"%s\"", ramSize, ramFile)); err != nil {
		return err
	}
	ram, err := os.ReadFile(ramFile)
	if err != nil {
		return err
	}
	if len(ram) != ramSize {
		return fmt.Errorf("pmemsave gave %d bytes", len(ram))
	}
	mon.cmd("quit")

	// The multiboot information.
	view := func(addr, n uint64) []byte {
		if addr >= ramSize || n > ramSize-addr {
			return nil
		}
		return ram[addr : addr+n]
	}
	magic := uint32(multiboot.BootMagic1)
	if protocol == 2 {
		magic = multiboot.BootMagic2
	}
	var info multiboot.Info
	if e := multiboot.Parse(magic, ebx, view, &info); e != multiboot.OK {
		return e
	}
	var efiST uint64
	var mbiSize uint64
	if protocol == 2 {
		mbiSize = uint64(binary.LittleEndian.Uint32(ram[ebx:]))
		mbi := ram[ebx : ebx+mbiSize]
		for off := 8; off+8 <= len(mbi); {
			typ, size := binary.LittleEndian.Uint32(mbi[off:]), int(binary.LittleEndian.Uint32(mbi[off+4:]))
			if typ == 0 || size < 8 {
				break
			}
			if typ == 12 && size >= 16 { // EFI 64-bit system table pointer
				efiST = binary.LittleEndian.Uint64(mbi[off+8:])
			}
			off += (size + 7) &^ 7
		}
	}

	// Probe, recording every range read.
	var ranges [][2]uint64
	read := func(addr uint64, n int) ([]byte, error) {
		if n < 0 || n > firmware.MaxRead || addr >= ramSize || uint64(n) > ramSize-addr {
			return nil, errors.New("outside the RAM dump")
		}
		ranges = append(ranges, [2]uint64{addr, addr + uint64(n)})
		return bytes.Clone(ram[addr : addr+uint64(n)]), nil
	}
	// With what the loader gave, then (if that was more) with the EFI
	// system table only, then with nothing: the tests probe all three.
	inputs := []firmware.Input{{RSDP: info.RSDP[:info.RSDPLen], EFISystemTable: efiST, Read: read}}
	if info.RSDPLen > 0 && efiST != 0 {
		inputs = append(inputs, firmware.Input{EFISystemTable: efiST, Read: read})
	}
	if info.RSDPLen > 0 || efiST != 0 {
		inputs = append(inputs, firmware.Input{Read: read})
	}
	for _, in := range inputs {
		fmt.Printf("probe with %d RSDP bytes, EFI system table %#x:\n", len(in.RSDP), in.EFISystemTable)
		mach, perr := firmware.Probe(in)
		fmt.Println(mach)
		if perr != nil {
			fmt.Println("errors:", perr)
		}
	}
	if mbiSize > 0 {
		ranges = append(ranges, [2]uint64{ebx, ebx + mbiSize})
	}

	// Page-aligned, merged ranges.
	for i := range ranges {
		ranges[i][0] &^= 0xfff
		ranges[i][1] = (ranges[i][1] + 0xfff) &^ 0xfff
	}
	sort.Slice(ranges, func(i, j int) bool { return ranges[i][0] < ranges[j][0] })
	var merged [][2]uint64
	for _, r := range ranges {
		if n := len(merged); n > 0 && r[0] <= merged[n-1][1] {
			merged[n-1][1] = max(merged[n-1][1], r[1])
			continue
		}
		merged = append(merged, r)
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, r := range merged {
		name := filepath.Join(out, fmt.Sprintf("mem-%08x.bin.gz", r[0]))
		var z bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
		zw.Write(ram[r[0]:r[1]])
		if err := zw.Close(); err != nil {
			return err
		}
		if err := os.WriteFile(name, z.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Printf("%s: %d bytes (%d compressed)\n", name, r[1]-r[0], z.Len())
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# captured by: go run ./kernel/firmware/testdata/capture -machine %s -bios %s -o %s\n", machine, bios, out)
	fmt.Fprintf(&b, "qemu=%s\n", strings.TrimSpace(version))
	fmt.Fprintf(&b, "machine=%s\nbios=%s\nram=128M\n", machine, bios)
	fmt.Fprintf(&b, "protocol=%d\nmbi=%#x\n", protocol, ebx)
	if efiST != 0 {
		fmt.Fprintf(&b, "efi_system_table=%#x\n", efiST)
	}
	if info.RSDPLen > 0 {
		fmt.Fprintf(&b, "rsdp_tag_bytes=%d\n", info.RSDPLen)
	}
	return os.WriteFile(filepath.Join(out, "boot.txt"), []byte(b.String()), 0o644)
}

// monitor talks to QEMU's human monitor.
type monitor struct {
	c net.Conn
	r *bufio.Reader
}

// until reads up to the next "(qemu) " prompt.
func (m *monitor) until() (string, error) {
	var b strings.Builder
	m.c.SetReadDeadline(time.Now().Add(60 * time.Second))
	for {
		c, err := m.r.ReadByte()
		if err != nil {
			return b.String(), err
		}
		b.WriteByte(c)
		if strings.HasSuffix(b.String(), "(qemu) ") {
			return b.String(), nil
		}
	}
}

func (m *monitor) cmd(s string) (string, error) {
	if _, err := fmt.Fprintf(m.c, "%s\n", s); err != nil {
		return "", err
	}
	if s == "quit" {
		return "", nil
	}
	out, err := m.until()
	// The output is the monitor's echo of the command (with terminal
	// escapes), a newline, the answer, and the next prompt.
	if _, after, ok := strings.Cut(out, "\r\n"); ok {
		out = after
	}
	return strings.TrimSuffix(out, "(qemu) "), err
}
