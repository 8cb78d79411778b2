// Command capture boots QEMU with no guest operating system at all, lets
// the firmware build its ACPI tables, saves guest RAM through the QEMU
// monitor, and writes the pages that hold the ACPI tables as test data:
//
//	go run ./kernel/acpi/testdata/capture -machine q35 -bios ovmf -smp 2,maxcpus=4 -o kernel/acpi/testdata/q35-ovmf
//
// SeaBIOS and OVMF both install the tables QEMU gives them over fw_cfg
// before they look for a boot device, so no kernel is needed: SeaBIOS
// ends at "No bootable device" and OVMF in its boot manager or shell,
// with the tables in RAM. The RSDP is found as an OS would find it:
// under SeaBIOS by scanning 0xE0000-0xFFFFF on 16-byte boundaries (ACPI
// 6.5 §5.2.5.1), under OVMF through the EFI system table (signature
// "IBI SYST", found by scanning RAM on 8-byte boundaries) and its
// configuration table entry for the ACPI 2.0 GUID. The tables are then
// walked with code written here (not the package under test): the
// RSDP, the RSDT and XSDT, every table they list, and the DSDT and FACS
// the FADT points to. RAM is saved every two seconds until two saves
// agree on all those bytes.
//
// The output directory gets one gzip file per page-aligned range,
// mem-ADDR.bin.gz (ADDR in hex), and capture.txt (the command, QEMU's
// version, the RSDP address and the tables found).
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
	"sort"
	"strings"
	"time"
)

const ramSize = 128 << 20

func main() {
	machine := flag.String("machine", "pc", "QEMU -machine")
	bios := flag.String("bios", "seabios", "seabios (QEMU's default) or ovmf (/usr/share/ovmf/OVMF.fd)")
	smp := flag.String("smp", "2", "QEMU -smp")
	out := flag.String("o", "", "output directory (required)")
	flag.Parse()
	if *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*machine, *bios, *smp, *out); err != nil {
		fmt.Fprintln(os.Stderr, "capture:", err)
		os.Exit(1)
	}
}

func run(machine, bios, smp, out string) error {
	tmp, err := os.MkdirTemp("", "acpicapture-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	args := []string{"-machine", machine, "-accel", "tcg", "-m", "128M", "-smp", smp,
		"-no-reboot", "-display", "none", "-serial", "null", "-net", "none",
		"-monitor", "unix:" + filepath.Join(tmp, "mon.sock") + ",server=on,wait=off"}
	switch bios {
	case "seabios":
	case "ovmf":
		args = append(args, "-bios", "/usr/share/ovmf/OVMF.fd")
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

	var conn net.Conn
	for i := 0; ; i++ {
		conn, err = net.Dial("unix", filepath.Join(tmp, "mon.sock"))
		if err == nil {
			break
		}
		if i == 50 {
			return err
		}
		time.Sleep(100 * time.Millisecond)
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

	var prev *walk
	var ram, prevRAM []byte
	deadline := time.Now().Add(180 * time.Second)
	for {
		time.Sleep(2 * time.Second)
		if time.Now().After(deadline) {
			return errors.New("the tables did not appear (or kept changing) within 180 s")
		}
		ramFile := filepath.Join(tmp, "ram.bin")
		if _, err := mon.cmd(fmt.Sprintf("pmemsave 0 %#x \"%s\"", ramSize, ramFile)); err != nil {
			return err
		}
		ram, err = os.ReadFile(ramFile)
		if err != nil {
			return err
		}
		if len(ram) != ramSize {
			return fmt.Errorf("pmemsave gave %d bytes", len(ram))
		}
		w, err := walkTables(ram, bios)
		if err != nil {
			fmt.Println("not yet:", err)
			prev = nil
			continue
		}
		if prev != nil && prev.same(w, ram, prevRAM) {
			prev = w
			break
		}
		prev = w
		prevRAM = bytes.Clone(ram)
	}
	mon.cmd("quit")
	w := prev

	// Page-aligned, merged ranges.
	ranges := append([][2]uint64(nil), w.ranges...)
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
	fmt.Fprintf(&b, "# captured by: go run ./kernel/acpi/testdata/capture -machine %s -bios %s -smp %s -o %s\n", machine, bios, smp, out)
	fmt.Fprintf(&b, "qemu=%s\n", strings.TrimSpace(version))
	fmt.Fprintf(&b, "machine=%s\nbios=%s\nsmp=%s\nram=128M\n", machine, bios, smp)
	fmt.Fprintf(&b, "rsdp=%#x\n", w.rsdp)
	for _, t := range w.tables {
		fmt.Fprintf(&b, "table=%s %#x %d\n", t.sig, t.addr, t.length)
	}
	fmt.Print(b.String())
	return os.WriteFile(filepath.Join(out, "capture.txt"), []byte(b.String()), 0o644)
}

// walk is what walkTables found: the RSDP's address, the tables, and
// every byte range it read.
type walk struct {
	rsdp   uint64
	tables []table
	ranges [][2]uint64
}

type table struct {
	sig          string
	addr, length uint64
}

// same reports whether v found the same tables as w, with the same bytes
// in ram as w's in old.
func (w *walk) same(v *walk, ram, old []byte) bool {
	if w.rsdp != v.rsdp || len(w.ranges) != len(v.ranges) {
		return false
	}
	for i, r := range w.ranges {
		if r != v.ranges[i] || !bytes.Equal(ram[r[0]:r[1]], old[r[0]:r[1]]) {
			return false
		}
	}
	return true
}

// walkTables finds the RSDP and reads every table, checking signatures,
// lengths and checksums.
func walkTables(ram []byte, bios string) (*walk, error) {
	w := &walk{}
	get := func(addr, n uint64) ([]byte, error) {
		if addr >= ramSize || n > ramSize-addr {
			return nil, fmt.Errorf("%d bytes at %#x: outside RAM", n, addr)
		}
		w.ranges = append(w.ranges, [2]uint64{addr, addr + n})
		return ram[addr : addr+n], nil
	}
	rsdp, err := findRSDP(ram, bios)
	if err != nil {
		return nil, err
	}
	w.rsdp = rsdp
	rb, _ := get(rsdp, 20)
	if rb[15] >= 2 {
		rb, _ = get(rsdp, 36)
	}
	sdt := func(addr uint64, want string) ([]byte, error) {
		h, err := get(addr, 36)
		if err != nil {
			return nil, err
		}
		sig := string(h[:4])
		if want != "" && sig != want {
			return nil, fmt.Errorf("%#x: signature %q, want %q", addr, sig, want)
		}
		n := uint64(binary.LittleEndian.Uint32(h[4:]))
		if n < 36 {
			return nil, fmt.Errorf("%s at %#x: length %d", sig, addr, n)
		}
		t, err := get(addr, n)
		if err != nil {
			return nil, err
		}
		if sum(t) != 0 {
			return nil, fmt.Errorf("%s at %#x: bad checksum", sig, addr)
		}
		w.tables = append(w.tables, table{sig, addr, n})
		return t, nil
	}
	var entries []uint64
	if rsdt := uint64(binary.LittleEndian.Uint32(rb[16:])); rsdt != 0 {
		t, err := sdt(rsdt, "RSDT")
		if err != nil {
			return nil, err
		}
		for off := 36; off+4 <= len(t); off += 4 {
			entries = append(entries, uint64(binary.LittleEndian.Uint32(t[off:])))
		}
	}
	if len(rb) == 36 {
		if xsdt := binary.LittleEndian.Uint64(rb[24:]); xsdt != 0 {
			t, err := sdt(xsdt, "XSDT")
			if err != nil {
				return nil, err
			}
			entries = entries[:0] // the XSDT wins (§5.2.5.3)
			for off := 36; off+8 <= len(t); off += 8 {
				entries = append(entries, binary.LittleEndian.Uint64(t[off:]))
			}
		}
	}
	if len(entries) == 0 {
		return nil, errors.New("no tables listed")
	}
	seen := map[uint64]bool{}
	for _, a := range entries {
		if seen[a] {
			continue
		}
		seen[a] = true
		t, err := sdt(a, "")
		if err != nil {
			return nil, err
		}
		if string(t[:4]) != "FACP" {
			continue
		}
		// DSDT at 40 (X_DSDT at 140), FIRMWARE_CTRL at 36 (X_ at 132).
		dsdt := uint64(binary.LittleEndian.Uint32(t[40:]))
		if len(t) >= 148 && binary.LittleEndian.Uint64(t[140:]) != 0 {
			dsdt = binary.LittleEndian.Uint64(t[140:])
		}
		if _, err := sdt(dsdt, "DSDT"); err != nil {
			return nil, err
		}
		facs := uint64(binary.LittleEndian.Uint32(t[36:]))
		if len(t) >= 140 && binary.LittleEndian.Uint64(t[132:]) != 0 {
			facs = binary.LittleEndian.Uint64(t[132:])
		}
		if facs != 0 {
			if _, err := get(facs, 64); err != nil { // no checksum (§5.2.10)
				return nil, err
			}
		}
	}
	return w, nil
}

var acpi20GUID = []byte{ // 8868e871-e4f1-11d3-bc22-0080c73c8881, EFI byte order
	0x71, 0xe8, 0x68, 0x88, 0xf1, 0xe4, 0xd3, 0x11, 0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81}

func findRSDP(ram []byte, bios string) (uint64, error) {
	if bios == "seabios" {
		for a := 0xe0000; a < 0x100000; a += 16 {
			if string(ram[a:a+8]) == "RSD PTR " && sum(ram[a:a+20]) == 0 {
				return uint64(a), nil
			}
		}
		return 0, errors.New("no RSDP in 0xE0000-0xFFFFF")
	}
	// The EFI system table: Hdr.Signature "IBI SYST" at 0, the
	// configuration table's entry count at 0x68 and address at 0x70;
	// each entry is a GUID and a pointer (UEFI 2.10 §4.3, §4.6).
	for a := 0; a+0x78 <= len(ram); a += 8 {
		if string(ram[a:a+8]) != "IBI SYST" {
			continue
		}
		n := binary.LittleEndian.Uint64(ram[a+0x68:])
		ct := binary.LittleEndian.Uint64(ram[a+0x70:])
		if n == 0 || n > 256 || ct >= ramSize || ct+24*n > ramSize {
			continue
		}
		for i := uint64(0); i < n; i++ {
			e := ram[ct+24*i:]
			if bytes.Equal(e[:16], acpi20GUID) {
				p := binary.LittleEndian.Uint64(e[16:])
				if p < ramSize-36 && string(ram[p:p+8]) == "RSD PTR " && sum(ram[p:p+20]) == 0 {
					return p, nil
				}
			}
		}
	}
	return 0, errors.New("no EFI system table with an ACPI 2.0 RSDP")
}

func sum(b []byte) byte {
	var s byte
	for _, c := range b {
		s += c
	}
	return s
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
	// The monitor echoes the command (with terminal escapes), then a
	// newline, the answer and the next prompt.
	if _, after, ok := strings.Cut(out, "\r\n"); ok {
		out = after
	}
	return strings.TrimSuffix(out, "(qemu) "), err
}
