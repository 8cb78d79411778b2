package pci

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// fakeConfig is configuration space in memory: the functions of a QEMU
// dump (testdata/*.txt) or of a test's making. Writes of all ones to a
// BAR read back its sizing mask, as the hardware does; the Status
// register's write-1-to-clear bits are modelled; every write is logged.
type fakeConfig struct {
	fn     map[Addr]*[256]byte
	sizes  map[Addr][]uint32 // the BARs' all-ones readbacks
	sizing map[Addr]uint8    // bit i: BAR i holds all ones
	writes []string
}

func newFake() *fakeConfig {
	return &fakeConfig{fn: map[Addr]*[256]byte{}, sizes: map[Addr][]uint32{}, sizing: map[Addr]uint8{}}
}

func (f *fakeConfig) Read32(a Addr, off uint16) uint32 {
	b, ok := f.fn[a]
	if !ok || off > 252 || off&3 != 0 {
		return 0xFFFFFFFF
	}
	if i := int(off-RegBAR0) / 4; off >= RegBAR0 && i < len(f.sizes[a]) && f.sizing[a]&(1<<i) != 0 {
		return f.sizes[a][i]
	}
	return le32(b[:], int(off))
}

func (f *fakeConfig) Write32(a Addr, off uint16, v uint32) {
	f.writes = append(f.writes, fmt.Sprintf("%s %#02x=%08x", a, off, v))
	b, ok := f.fn[a]
	if !ok || off > 252 || off&3 != 0 {
		return
	}
	if i := int(off-RegBAR0) / 4; off >= RegBAR0 && i < len(f.sizes[a]) {
		if v == 0xFFFFFFFF {
			f.sizing[a] |= 1 << i
			return
		}
		f.sizing[a] &^= 1 << i
	}
	if off == RegCommand {
		status := le16(b[:], RegStatus) &^ uint16(v>>16) // write 1 to clear
		v = uint32(status)<<16 | v&0xFFFF
	}
	putLE32(b[off:], v)
}

// set stores a function's first bytes.
func (f *fakeConfig) set(a Addr, space []byte) {
	var b [256]byte
	copy(b[:], space)
	f.fn[a] = &b
}

// loadDump reads testdata/NAME.txt: lines "BB:DD.F cfg <64 dwords>" and
// "BB:DD.F sizes <the BARs' all-ones readbacks>".
func loadDump(t testing.TB, name string) *fakeConfig {
	t.Helper()
	file, err := os.Open(filepath.Join("testdata", name+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	f := newFake()
	sc := bufio.NewScanner(file)
	sc.Buffer(nil, 1<<16)
	for sc.Scan() {
		w := strings.Fields(sc.Text())
		if len(w) < 2 || strings.HasPrefix(w[0], "#") {
			continue
		}
		var a Addr
		if _, err := fmt.Sscanf(w[0], "%02x:%02x.%x", &a.Bus, &a.Dev, &a.Fn); err != nil {
			t.Fatalf("%s: %q: %v", name, w[0], err)
		}
		var vals []uint32
		for _, s := range w[2:] {
			v, err := strconv.ParseUint(s, 16, 32)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			vals = append(vals, uint32(v))
		}
		switch w[1] {
		case "cfg":
			if len(vals) != 64 {
				t.Fatalf("%s %s: %d dwords", name, a, len(vals))
			}
			b := make([]byte, 256)
			for i, v := range vals {
				putLE32(b[4*i:], v)
			}
			f.set(a, b)
		case "sizes":
			f.sizes[a] = vals
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return f
}

var dumps = []string{"q35", "q35-hub", "pc", "pc-hub", "q35-rootport", "pc-bridge"}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
