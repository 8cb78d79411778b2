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
	if _, err := Encode([]Func{{"x", 0x1000, 1}, {"y", 1<<33 + 0x1000, 1}}); err == nil {
		t.Error("addresses in two 4 GiB windows accepted")
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

// TestHigherHalf: the kernel's functions live in the top 2 GiB; the table
// keeps their upper 32 bits once and names nothing outside that window.
func TestHigherHalf(t *testing.T) {
	const base = 0xffff_ffff_8010_3000
	load(t, []Func{{"main.dispatch", base, 0x80}, {"runtime.memmove", base + 0x1000, 0x100}})
	if name, off, ok := Lookup(base + 0x1010); !ok || string(name) != "runtime.memmove" || off != 0x10 {
		t.Errorf("Lookup(base+0x1010) = %q+%#x %v", name, off, ok)
	}
	if _, _, ok := Lookup(0x1010); ok {
		t.Error("an address outside the window was named")
	}
}
