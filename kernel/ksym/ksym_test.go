package ksym

import "testing"

func load(t *testing.T, funcs []Func) {
	t.Helper()
	b, err := Encode(funcs)
	if err != nil {
		t.Fatal(err)
	}
	saved := table
	t.Cleanup(func() { table = saved })
	table = [Size]byte{}
	copy(table[:], b)
}

func TestLookup(t *testing.T) {
	if Loaded() {
		t.Fatal("placeholder table reports loaded")
	}
	if _, _, ok := Lookup(0x1000); ok {
		t.Fatal("lookup in an unfilled table succeeded")
	}
	load(t, []Func{
		{"runtime.memmove", 0x2000, 0x100},
		{"main.dispatch", 0x1000, 0x80},
		{"gokernel/kernel/sys.sysWrite", 0x1100, 0x40},
	})
	for _, c := range []struct {
		pc   uint64
		name string
		off  uint64
		ok   bool
	}{
		{0x1000, "main.dispatch", 0, true},
		{0x107f, "main.dispatch", 0x7f, true},
		{0x1080, "", 0, false}, // in the gap after dispatch
		{0x1123, "gokernel/kernel/sys.sysWrite", 0x23, true},
		{0x20ff, "runtime.memmove", 0xff, true},
		{0x2100, "", 0, false},
		{0xfff, "", 0, false},
		{1 << 40, "", 0, false},
	} {
		name, off, ok := Lookup(c.pc)
		if string(name) != c.name || off != c.off || ok != c.ok {
			t.Errorf("Lookup(%#x) = %q+%#x %v, want %q+%#x %v", c.pc, name, off, ok, c.name, c.off, c.ok)
		}
	}
}

func TestEncodeLimits(t *testing.T) {
	if _, err := Encode([]Func{{"x", 1 << 33, 1}}); err == nil {
		t.Error("address above 4 GiB accepted")
	}
	big := make([]Func, 0, Size/16)
	for i := 0; i < Size/16; i++ {
		big = append(big, Func{"some.rather.long.function.name", uint64(i * 16), 16})
	}
	if _, err := Encode(big); err == nil {
		t.Error("oversized table accepted")
	}
}

func TestLookupAllocs(t *testing.T) {
	load(t, []Func{{"a.b", 0x1000, 0x10}})
	if n := testing.AllocsPerRun(100, func() { Lookup(0x1008) }); n != 0 {
		t.Errorf("Lookup allocates %v times", n)
	}
}
