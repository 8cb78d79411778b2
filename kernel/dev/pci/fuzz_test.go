package pci

import (
	"slices"
	"testing"
)

// Fuzz tests: no configuration space makes a parser panic or loop, and
// what they accept keeps its invariants. Run one for 30 s with
//
//	go test -run '^$' -fuzz '^FuzzSpace$' -fuzztime 30s ./kernel/dev/pci/

// FuzzSpace parses one function's configuration space.
func FuzzSpace(f *testing.F) {
	for _, name := range dumps {
		d := loadDump(f, name)
		for _, b := range d.fn {
			f.Add(b[:])
		}
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := ParseHeader(b)
		if err != nil {
			return
		}
		caps, _ := Capabilities(b, h)
		if len(caps) > 48 {
			t.Fatalf("%d capabilities", len(caps))
		}
		for _, c := range caps {
			if c.Offset < 0x40 || c.Offset&3 != 0 {
				t.Fatalf("capability at %#x", c.Offset)
			}
			switch c.ID {
			case CapMSI:
				if m, err := ParseMSI(b, c); err == nil {
					if m.Vectors < 1 || m.Vectors > 32 || int(m.Offset)+m.size() > len(b) {
						t.Fatalf("MSI %+v in %d bytes", m, len(b))
					}
				}
			case CapMSIX:
				if m, err := ParseMSIX(b, c); err == nil {
					if m.Size < 1 || m.Size > 2048 || m.TableBIR > 5 || m.PBABIR > 5 {
						t.Fatalf("MSI-X %+v", m)
					}
				}
			}
		}
	})
}

// FuzzDecodeBAR decodes any BAR value and readback.
func FuzzDecodeBAR(f *testing.F) {
	for _, name := range dumps {
		d := loadDump(f, name)
		for a, sizes := range d.sizes {
			for i, s := range sizes {
				lo := le32(d.fn[a][:], RegBAR0+4*i)
				f.Add(lo, uint32(0), s, uint32(0xFFFFFFFF))
			}
		}
	}
	f.Fuzz(func(t *testing.T, lo, hi, slo, shi uint32) {
		b, err := DecodeBAR(lo, hi, slo, shi)
		if err != nil || b.Kind == BARNone {
			return
		}
		if b.Size == 0 || b.Size&(b.Size-1) != 0 || b.Addr&(b.Size-1) != 0 {
			t.Fatalf("%+v from %#x %#x %#x %#x", b, lo, hi, slo, shi)
		}
	})
}

// chunkConfig serves configuration spaces cut from one byte string:
// function (bus, dev, fn) on buses 0-3 gets 256-byte chunk
// (bus*256+dev*8+fn) mod n; higher buses are empty.
type chunkConfig struct{ b []byte }

func (c chunkConfig) Read32(a Addr, off uint16) uint32 {
	n := len(c.b) / 256
	if n == 0 || a.Bus > 3 || off > 252 {
		return 0xFFFFFFFF
	}
	i := (int(a.Bus)*256 + int(a.Dev)*8 + int(a.Fn)) % n
	return le32(c.b, i*256+int(off&^3))
}

func (c chunkConfig) Write32(Addr, uint16, uint32) {}

// FuzzEnumerate enumerates a machine made of fuzzed functions: bridges
// that point anywhere, loops, multi-function flags everywhere.
func FuzzEnumerate(f *testing.F) {
	for _, name := range []string{"pc-bridge", "q35-rootport"} {
		d := loadDump(f, name)
		var all []byte
		var addrs []Addr
		for a := range d.fn {
			addrs = append(addrs, a)
		}
		slices.SortFunc(addrs, func(x, y Addr) int {
			if x.less(y) {
				return -1
			}
			return 1
		})
		for _, a := range addrs {
			all = append(all, d.fn[a][:]...)
		}
		f.Add(all)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 64*256 {
			return
		}
		s := Enumerate(chunkConfig{b}, 0, 1)
		seen := map[Addr]bool{}
		for i, fn := range s.Functions {
			if seen[fn.Addr] || fn.Bus > 3 || fn.Depth > 255 {
				t.Fatalf("function %s listed twice or impossible", fn.Addr)
			}
			seen[fn.Addr] = true
			if i > 0 && !s.Functions[i-1].Addr.less(fn.Addr) {
				t.Fatal("not sorted")
			}
		}
	})
}
