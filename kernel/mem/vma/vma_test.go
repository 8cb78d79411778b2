package vma

import (
	"fmt"
	"testing"
	"unsafe"
)

const (
	P    = PageSize
	lo0  = 0x10000
	hi0  = 0x10000 + 256*P
	RW   = PROT_READ | PROT_WRITE
	R    = PROT_READ
	RX   = PROT_READ | PROT_EXEC
	NONE = PROT_NONE
)

func newSpace(t testing.TB, lo, hi uint64) *Space {
	t.Helper()
	s := new(Space)
	s.Init(lo, hi)
	return s
}

func pgAt(n uint64) uint64 { return lo0 + n*P }

// setup maps the given areas with Fixed, failing the test on error.
func setup(t *testing.T, s *Space, as ...Area) {
	t.Helper()
	for _, a := range as {
		if _, err := s.Map(a.Start, a.End-a.Start, a.Prot, a.Flags, Fixed); err != nil {
			t.Fatalf("setup Map(%+v): %v", a, err)
		}
	}
	mustValid(t, s)
}

func mustValid(t *testing.T, s *Space) {
	t.Helper()
	if err := checkInvariants(s); err != nil {
		t.Fatal(err)
	}
}

func expect(t *testing.T, s *Space, want ...Area) {
	t.Helper()
	mustValid(t, s)
	if got := list(s); !equalAreas(got, want) {
		t.Fatalf("areas: %s", diffAreas(got, want))
	}
}

// diffAreas describes how got differs from want, briefly.
func diffAreas(got, want []Area) string {
	if len(got) <= 8 && len(want) <= 8 {
		return fmt.Sprintf("\n got  %v\n want %v", got, want)
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from, to := max(0, i-2), i+3
	return fmt.Sprintf("%d areas, want %d; first difference at %d:\n got  %v\n want %v",
		len(got), len(want), i, got[from:min(to, len(got))], want[from:min(to, len(want))])
}

func ar(start, end uint64, prot uint32) Area { return Area{Start: start, End: end, Prot: prot} }

func TestSpaceIsPointerFree(t *testing.T) {
	// Space lives in a global in the kernel; it must be plain data. A
	// pointer field would need a write barrier. Checked by size: the fields
	// are all integers, laid out without pointers.
	var s Space
	want := uintptr(8+8+8) + uintptr(len(s.areas))*unsafe.Sizeof(Area{}) + unsafe.Sizeof(s.lock)
	if unsafe.Sizeof(s) != want || unsafe.Sizeof(Area{}) != 24 {
		t.Fatalf("Space is %d bytes, want %d", unsafe.Sizeof(s), want)
	}
}

func TestInit(t *testing.T) {
	s := newSpace(t, 0x1001, 0x5fff)
	if lo, hi := s.Bounds(); lo != 0x2000 || hi != 0x5000 {
		t.Fatalf("Bounds = %#x, %#x", lo, hi)
	}
	s.Init(0x9000, 0x3000)
	if lo, hi := s.Bounds(); lo != 0x9000 || hi != 0x9000 {
		t.Fatalf("inverted Bounds = %#x, %#x", lo, hi)
	}
	s.Init(^uint64(0)-5, ^uint64(0))
	if lo, hi := s.Bounds(); lo != hi {
		t.Fatalf("top Bounds = %#x, %#x", lo, hi)
	}
	if _, err := s.Map(0, P, RW, 0, Hint); err != ErrNoMem {
		t.Fatalf("Map in empty Space: %v", err)
	}
	// Init empties a used Space.
	s.Init(lo0, hi0)
	setup(t, s, ar(pgAt(1), pgAt(2), RW))
	s.Init(lo0, hi0)
	expect(t, s)
	// The zero Space has no room.
	var z Space
	if _, err := z.Map(0, P, RW, 0, Hint); err != ErrNoMem {
		t.Fatalf("zero Space Map: %v", err)
	}
	if z.Len() != 0 || z.MappedBytes() != 0 || z.Covered(0, 1, 0) {
		t.Fatal("zero Space not empty")
	}
}

func TestMapHint(t *testing.T) {
	s := newSpace(t, lo0, hi0)
	// Honoured when free.
	if a, err := s.Map(pgAt(10), 2*P, RW, 0, Hint); err != nil || a != pgAt(10) {
		t.Fatalf("free hint: %#x, %v", a, err)
	}
	// Unaligned hint rounds up; length rounds up.
	if a, err := s.Map(pgAt(20)+1, P+1, R, 0, Hint); err != nil || a != pgAt(21) {
		t.Fatalf("unaligned hint: %#x, %v", a, err)
	}
	expect(t, s, ar(pgAt(10), pgAt(12), RW), ar(pgAt(21), pgAt(23), R))
	// Ignored when taken (fully or partly): top-down search instead.
	if a, err := s.Map(pgAt(11), 4*P, RW, 0, Hint); err != nil || a != hi0-4*P {
		t.Fatalf("taken hint: %#x, %v", a, err)
	}
	if a, err := s.Map(pgAt(8), 4*P, RW, 0, Hint); err != nil || a != hi0-8*P {
		t.Fatalf("overlapping hint: %#x, %v", a, err)
	}
	// Ignored when out of range, below or above, or running past hi.
	for i, h := range []uint64{lo0 - P, hi0, hi0 - P, 0x7fff_0000_0000, ^uint64(0)} {
		before := s.Len()
		a, err := s.Map(h, 2*P, RX, uint32(i), Hint) // distinct flags: no merging
		if err != nil || a < lo0 || a+2*P > hi0 || a == h {
			t.Fatalf("hint %#x: %#x, %v", h, a, err)
		}
		if s.Len() != before+1 {
			t.Fatalf("hint %#x: not a new area", h)
		}
	}
	mustValid(t, s)
	// Hint 0 means no hint.
	s.Init(lo0, hi0)
	if a, err := s.Map(0, P, RW, 0, Hint); err != nil || a != hi0-P {
		t.Fatalf("hint 0: %#x, %v", a, err)
	}
	// A Space starting at 0 can still be searched down to 0.
	s.Init(0, 4*P)
	for i := 3; i >= 0; i-- {
		if a, err := s.Map(0, P, uint32(i%2), 0, Hint); err != nil || a != uint64(i)*P {
			t.Fatalf("low search %d: %#x, %v", i, a, err)
		}
	}
	if _, err := s.Map(0, P, RW, 0, Hint); err != ErrNoMem {
		t.Fatalf("full Space: %v", err)
	}
}

func TestMapTopDown(t *testing.T) {
	s := newSpace(t, lo0, hi0)
	// Empty: at the very top.
	if a, _ := s.Map(0, 3*P, RW, 0, Hint); a != hi0-3*P {
		t.Fatalf("first: %#x", a)
	}
	// Next one goes right below and merges (same attributes).
	if a, _ := s.Map(0, 2*P, RW, 0, Hint); a != hi0-5*P {
		t.Fatalf("second: %#x", a)
	}
	expect(t, s, ar(hi0-5*P, hi0, RW))
	// Gaps: [lo, 10) big, [20,22) small, [30, hi-5) big.
	setup(t, s, ar(pgAt(10), pgAt(20), R), ar(pgAt(22), pgAt(30), R), ar(pgAt(30), hi0-5*P, RX))
	// Two pages fit in the small gap; it is higher than [lo,10).
	if a, err := s.Map(0, 2*P, NONE, 0, Hint); err != nil || a != pgAt(20) {
		t.Fatalf("small gap: %#x, %v", a, err)
	}
	// Three pages do not: the highest fitting gap is at the bottom.
	if a, err := s.Map(0, 3*P, NONE, 0, Hint); err != nil || a != pgAt(7) {
		t.Fatalf("bottom gap: %#x, %v", a, err)
	}
	if _, err := s.Map(0, 8*P, NONE, 0, Hint); err != ErrNoMem {
		t.Fatalf("no gap: %v", err)
	}
	if a, err := s.Map(0, 7*P, NONE, 0, Hint); err != nil || a != lo0 {
		t.Fatalf("last gap: %#x, %v", a, err)
	}
	if s.MappedBytes() != hi0-lo0 {
		t.Fatalf("MappedBytes %#x", s.MappedBytes())
	}
}

func TestMapFixed(t *testing.T) {
	base := []Area{ar(pgAt(10), pgAt(20), R), ar(pgAt(30), pgAt(40), RX), ar(pgAt(40), pgAt(50), R)}
	cases := []struct {
		name      string
		addr, len uint64
		prot      uint32
		want      []Area
	}{
		{"into a gap", pgAt(0), 2 * P, RW, []Area{ar(pgAt(0), pgAt(2), RW), base[0], base[1], base[2]}},
		{"overlap left end", pgAt(5), 10 * P, RW, []Area{ar(pgAt(5), pgAt(15), RW), ar(pgAt(15), pgAt(20), R), base[1], base[2]}},
		{"overlap right end", pgAt(15), 10 * P, RW, []Area{ar(pgAt(10), pgAt(15), R), ar(pgAt(15), pgAt(25), RW), base[1], base[2]}},
		{"inside one: split in three", pgAt(12), 3 * P, RW, []Area{ar(pgAt(10), pgAt(12), R), ar(pgAt(12), pgAt(15), RW), ar(pgAt(15), pgAt(20), R), base[1], base[2]}},
		{"exactly one", pgAt(30), 10 * P, RW, []Area{base[0], ar(pgAt(30), pgAt(40), RW), base[2]}},
		{"covering several", pgAt(5), 50 * P, RW, []Area{ar(pgAt(5), pgAt(55), RW)}},
		{"across two, cutting both", pgAt(35), 10 * P, RW, []Area{base[0], ar(pgAt(30), pgAt(35), RX), ar(pgAt(35), pgAt(45), RW), ar(pgAt(45), pgAt(50), R)}},
		{"same prot inside: no change", pgAt(12), 3 * P, R, base},
		{"same prot bridging: merges", pgAt(20), 10 * P, R, []Area{ar(pgAt(10), pgAt(30), R), base[1], base[2]}},
		{"same prot over RX: merges all", pgAt(30), 10 * P, R, []Area{base[0], ar(pgAt(30), pgAt(50), R)}},
		{"touching left neighbour", pgAt(20), 5 * P, R, []Area{ar(pgAt(10), pgAt(25), R), base[1], base[2]}},
		{"at lo", lo0, P, R, []Area{ar(lo0, lo0+P, R), base[0], base[1], base[2]}},
		{"up to hi", hi0 - P, P, R, []Area{base[0], base[1], base[2], ar(hi0-P, hi0, R)}},
		{"whole space", lo0, hi0 - lo0, NONE, []Area{ar(lo0, hi0, NONE)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newSpace(t, lo0, hi0)
			setup(t, s, base...)
			a, err := s.Map(c.addr, c.len, c.prot, 0, Fixed)
			if err != nil || a != c.addr {
				t.Fatalf("Map = %#x, %v", a, err)
			}
			expect(t, s, c.want...)
		})
	}
}

func TestMapFlagsKeepAreasApart(t *testing.T) {
	s := newSpace(t, lo0, hi0)
	setup(t, s, Area{pgAt(0), pgAt(4), RW, 1}, Area{pgAt(4), pgAt(8), RW, 2}, Area{pgAt(8), pgAt(9), RW, 1})
	expect(t, s, Area{pgAt(0), pgAt(4), RW, 1}, Area{pgAt(4), pgAt(8), RW, 2}, Area{pgAt(8), pgAt(9), RW, 1})
	if _, err := s.Map(pgAt(4), 4*P, RW, 1, Fixed); err != nil {
		t.Fatal(err)
	}
	expect(t, s, Area{pgAt(0), pgAt(9), RW, 1})
}

func TestMapFixedNoReplace(t *testing.T) {
	s := newSpace(t, lo0, hi0)
	setup(t, s, ar(pgAt(10), pgAt(20), R))
	before := list(s)
	for _, r := range [][2]uint64{{pgAt(5), 6 * P}, {pgAt(19), P}, {pgAt(12), P}, {pgAt(0), 100 * P}} {
		if _, err := s.Map(r[0], r[1], RW, 0, FixedNoReplace); err != ErrExist {
			t.Fatalf("FixedNoReplace(%#x, %#x) = %v", r[0], r[1], err)
		}
		expect(t, s, before...)
	}
	if a, err := s.Map(pgAt(20), P, R, 0, FixedNoReplace); err != nil || a != pgAt(20) {
		t.Fatalf("free FixedNoReplace: %#x, %v", a, err)
	}
	if a, err := s.Map(pgAt(5), 5*P, RW, 0, FixedNoReplace); err != nil || a != pgAt(5) {
		t.Fatalf("free FixedNoReplace: %#x, %v", a, err)
	}
	expect(t, s, ar(pgAt(5), pgAt(10), RW), ar(pgAt(10), pgAt(21), R))
	// Out of range is ErrInval even when it would overlap nothing.
	if _, err := s.Map(hi0, P, R, 0, FixedNoReplace); err != ErrInval {
		t.Fatalf("out of range: %v", err)
	}
}

func TestMapErrors(t *testing.T) {
	s := newSpace(t, lo0, hi0)
	setup(t, s, ar(pgAt(10), pgAt(20), R))
	before := list(s)
	cases := []struct {
		addr, len uint64
		prot      uint32
		how       MapHow
		want      error
	}{
		{pgAt(1), 0, RW, Fixed, ErrInval},
		{0, 0, RW, Hint, ErrInval},
		{pgAt(1) + 1, P, RW, Fixed, ErrInval},
		{pgAt(1) + 8, P, RW, FixedNoReplace, ErrInval},
		{pgAt(1), ^uint64(0), RW, Fixed, ErrInval},
		{0, ^uint64(0), RW, Hint, ErrInval},
		{0, ^uint64(0) - P + 2, RW, Hint, ErrInval}, // rounds past 2^64
		{pgAt(1), ^uint64(0) &^ (P - 1), RW, Fixed, ErrInval},
		{^uint64(0) &^ (P - 1), 2 * P, RW, Fixed, ErrInval}, // addr+len wraps
		{lo0 - P, P, RW, Fixed, ErrInval},
		{lo0 - P, 2 * P, RW, Fixed, ErrInval},
		{hi0, P, RW, Fixed, ErrInval},
		{hi0 - P, 2 * P, RW, Fixed, ErrInval},
		{pgAt(1), P, 8, Fixed, ErrInval},
		{pgAt(1), P, 0x10 | RW, Hint, ErrInval},
		{pgAt(1), P, RW, MapHow(3), ErrInval},
		{0, hi0 - lo0, RW, Hint, ErrNoMem},
		{pgAt(0), 300 * P, RW, Hint, ErrNoMem},
	}
	for _, c := range cases {
		if a, err := s.Map(c.addr, c.len, c.prot, 0, c.how); err != c.want || a != 0 {
			t.Errorf("Map(%#x, %#x, %d, %d) = %#x, %v; want %v", c.addr, c.len, c.prot, c.how, a, err, c.want)
		}
		expect(t, s, before...)
	}
}

func TestUnmap(t *testing.T) {
	base := []Area{ar(pgAt(10), pgAt(20), R), ar(pgAt(20), pgAt(30), RW), ar(pgAt(40), pgAt(50), RX)}
	cases := []struct {
		name      string
		addr, len uint64
		want      []Area
	}{
		{"left part", pgAt(10), 3 * P, []Area{ar(pgAt(13), pgAt(20), R), base[1], base[2]}},
		{"right part", pgAt(45), 5 * P, []Area{base[0], base[1], ar(pgAt(40), pgAt(45), RX)}},
		{"middle: split", pgAt(42), 2 * P, []Area{base[0], base[1], ar(pgAt(40), pgAt(42), RX), ar(pgAt(44), pgAt(50), RX)}},
		{"across two adjacent", pgAt(15), 10 * P, []Area{ar(pgAt(10), pgAt(15), R), ar(pgAt(25), pgAt(30), RW), base[2]}},
		{"across a gap", pgAt(25), 20 * P, []Area{base[0], ar(pgAt(20), pgAt(25), RW), ar(pgAt(45), pgAt(50), RX)}},
		{"several whole", pgAt(0), 100 * P, nil},
		{"exactly one", pgAt(20), 10 * P, []Area{base[0], base[2]}},
		{"unmapped range", pgAt(31), 9 * P, base},
		{"outside the space", 0, lo0, base},
		{"beyond hi", hi0, 1 << 30, base},
		{"unaligned length rounds up", pgAt(10), P + 1, []Area{ar(pgAt(12), pgAt(20), R), base[1], base[2]}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newSpace(t, lo0, hi0)
			setup(t, s, base...)
			if err := s.Unmap(c.addr, c.len); err != nil {
				t.Fatal(err)
			}
			expect(t, s, c.want...)
		})
	}
	s := newSpace(t, lo0, hi0)
	setup(t, s, base...)
	for _, c := range [][2]uint64{{pgAt(10) + 1, P}, {pgAt(10), 0}, {pgAt(10), ^uint64(0)}, {^uint64(0) &^ (P - 1), 2 * P}, {pgAt(10), ^uint64(0) - P + 2}} {
		if err := s.Unmap(c[0], c[1]); err != ErrInval {
			t.Errorf("Unmap(%#x, %#x) = %v, want ErrInval", c[0], c[1], err)
		}
		expect(t, s, base...)
	}
}

func TestProtect(t *testing.T) {
	s := newSpace(t, lo0, hi0)
	setup(t, s, ar(pgAt(10), pgAt(20), RW))
	// Split into three.
	if err := s.Protect(pgAt(12), 3*P, R); err != nil {
		t.Fatal(err)
	}
	expect(t, s, ar(pgAt(10), pgAt(12), RW), ar(pgAt(12), pgAt(15), R), ar(pgAt(15), pgAt(20), RW))
	// Re-merge by restoring.
	if err := s.Protect(pgAt(12), 3*P, RW); err != nil {
		t.Fatal(err)
	}
	expect(t, s, ar(pgAt(10), pgAt(20), RW))
	// Ends.
	if err := s.Protect(pgAt(10), 2*P, NONE); err != nil {
		t.Fatal(err)
	}
	if err := s.Protect(pgAt(18), 2*P, NONE); err != nil {
		t.Fatal(err)
	}
	expect(t, s, ar(pgAt(10), pgAt(12), NONE), ar(pgAt(12), pgAt(18), RW), ar(pgAt(18), pgAt(20), NONE))
	// Across all three, partially: merges into one NONE area in the middle
	// and keeps the outer pieces.
	if err := s.Protect(pgAt(11), 8*P, NONE); err != nil {
		t.Fatal(err)
	}
	expect(t, s, ar(pgAt(10), pgAt(20), NONE))
	// Merges with neighbours that already have the prot.
	setup(t, s, ar(pgAt(20), pgAt(25), RW), ar(pgAt(25), pgAt(30), R))
	if err := s.Protect(pgAt(20), 5*P, R); err != nil {
		t.Fatal(err)
	}
	expect(t, s, ar(pgAt(10), pgAt(20), NONE), ar(pgAt(20), pgAt(30), R))
	if err := s.Protect(pgAt(20), 5*P, NONE); err != nil {
		t.Fatal(err)
	}
	expect(t, s, ar(pgAt(10), pgAt(25), NONE), ar(pgAt(25), pgAt(30), R))
	// Length 0 does nothing, even unmapped; unaligned length rounds up.
	if err := s.Protect(pgAt(100), 0, RW); err != nil {
		t.Fatal(err)
	}
	if err := s.Protect(pgAt(25), 1, RW); err != nil {
		t.Fatal(err)
	}
	expect(t, s, ar(pgAt(10), pgAt(25), NONE), ar(pgAt(25), pgAt(26), RW), ar(pgAt(26), pgAt(30), R))
}

func TestProtectKeepsFlags(t *testing.T) {
	s := newSpace(t, lo0, hi0)
	setup(t, s, Area{pgAt(0), pgAt(4), RW, 1}, Area{pgAt(4), pgAt(8), R, 1}, Area{pgAt(8), pgAt(12), R, 2}, Area{pgAt(12), pgAt(16), RW, 2})
	if err := s.Protect(pgAt(2), 12*P, RX); err != nil {
		t.Fatal(err)
	}
	expect(t, s, Area{pgAt(0), pgAt(2), RW, 1}, Area{pgAt(2), pgAt(8), RX, 1}, Area{pgAt(8), pgAt(14), RX, 2}, Area{pgAt(14), pgAt(16), RW, 2})
}

func TestProtectErrors(t *testing.T) {
	s := newSpace(t, lo0, hi0)
	setup(t, s, ar(pgAt(10), pgAt(20), RW), ar(pgAt(21), pgAt(30), R))
	before := list(s)
	cases := []struct {
		addr, len uint64
		prot      uint32
		want      error
	}{
		{pgAt(10) + 1, P, R, ErrInval},
		{pgAt(10), P, 8, ErrInval},
		{pgAt(15), 10 * P, R, ErrNoMem}, // hole at 20
		{pgAt(5), 10 * P, R, ErrNoMem},  // unmapped start
		{pgAt(25), 10 * P, R, ErrNoMem}, // unmapped end
		{pgAt(20), P, R, ErrNoMem},      // only the hole
		{pgAt(40), P, R, ErrNoMem},
		{lo0 - P, 2 * P, R, ErrNoMem},
		{pgAt(10), ^uint64(0), R, ErrNoMem},
		{^uint64(0) &^ (P - 1), 2 * P, R, ErrNoMem},
	}
	for _, c := range cases {
		if err := s.Protect(c.addr, c.len, c.prot); err != c.want {
			t.Errorf("Protect(%#x, %#x, %d) = %v, want %v", c.addr, c.len, c.prot, err, c.want)
		}
		expect(t, s, before...)
	}
}

func TestLookupCovered(t *testing.T) {
	s := newSpace(t, lo0, hi0)
	setup(t, s, ar(pgAt(10), pgAt(20), RW), ar(pgAt(20), pgAt(30), R), ar(pgAt(31), pgAt(32), RW))
	for _, c := range []struct {
		addr uint64
		want Area
		ok   bool
	}{
		{pgAt(10), ar(pgAt(10), pgAt(20), RW), true},
		{pgAt(20) - 1, ar(pgAt(10), pgAt(20), RW), true},
		{pgAt(20), ar(pgAt(20), pgAt(30), R), true},
		{pgAt(30), Area{}, false},
		{pgAt(10) - 1, Area{}, false},
		{pgAt(32), Area{}, false},
		{0, Area{}, false},
		{^uint64(0), Area{}, false},
	} {
		if a, ok := s.Lookup(c.addr); a != c.want || ok != c.ok {
			t.Errorf("Lookup(%#x) = %+v %v", c.addr, a, ok)
		}
	}
	for _, c := range []struct {
		addr, len uint64
		prot      uint32
		want      bool
	}{
		{pgAt(15), 10 * P, R, true},    // across two areas with different prot
		{pgAt(15), 10 * P, RW, false},  // second one lacks write
		{pgAt(15), 5 * P, RW, true},    // first one only
		{pgAt(20) - 1, 2, RW, false},   // straddles into R
		{pgAt(20) - 1, 2, R, true},     // byte-granular
		{pgAt(25), 5 * P, R, true},     // up to the end
		{pgAt(25), 5*P + 1, R, false},  // one byte into the hole
		{pgAt(29), 3 * P, R, false},    // across the hole
		{pgAt(10), 20 * P, NONE, true}, // any prot
		{pgAt(31), P, RW | PROT_EXEC, false},
		{pgAt(10) - 1, 2, NONE, false},
		{pgAt(40), 0, RW, true},          // empty range
		{pgAt(15), ^uint64(0), R, false}, // wraps
		{^uint64(0), 2, NONE, false},
	} {
		if got := s.Covered(c.addr, c.len, c.prot); got != c.want {
			t.Errorf("Covered(%#x, %#x, %d) = %v", c.addr, c.len, c.prot, got)
		}
	}
	if a := s.At(-1); a != (Area{}) {
		t.Errorf("At(-1) = %+v", a)
	}
	if a := s.At(3); a != (Area{}) {
		t.Errorf("At(Len) = %+v", a)
	}
	if s.Len() != 3 || s.MappedBytes() != 21*P {
		t.Errorf("Len %d MappedBytes %#x", s.Len(), s.MappedBytes())
	}
}

// fill makes a full table: MaxAreas single-page areas with alternating prot,
// then returns the address of the first free page above them.
func fill(t *testing.T, s *Space) uint64 {
	t.Helper()
	for k := uint64(0); k < MaxAreas; k++ {
		if _, err := s.Map(pgAt(k), P, uint32(1+k%2), 0, Fixed); err != nil {
			t.Fatalf("fill %d: %v", k, err)
		}
	}
	if s.Len() != MaxAreas {
		t.Fatalf("Len %d after fill", s.Len())
	}
	return pgAt(MaxAreas)
}

func TestTableFull(t *testing.T) {
	s := newSpace(t, lo0, lo0+4*MaxAreas*P)
	top := fill(t, s)
	before := list(s)
	same := func(what string, err, want error) {
		t.Helper()
		if err != want {
			t.Fatalf("%s: %v, want %v", what, err, want)
		}
		expect(t, s, before...)
	}
	_, err := s.Map(top+P, P, RW, 0, Fixed)
	same("new area", err, ErrNoMem)
	_, err = s.Map(0, P, RW, 0, Hint)
	same("new area by search", err, ErrNoMem)
	_, err = s.Map(top+P, P, RW, 0, FixedNoReplace)
	same("new area, no replace", err, ErrNoMem)
	_, err = s.Map(pgAt(10), P, RX, 0, Fixed)
	if err != nil {
		t.Fatalf("replacing one area by one: %v", err)
	}
	_, err = s.Map(pgAt(10), P, uint32(1+10%2), 0, Fixed)
	if err != nil {
		t.Fatalf("restoring: %v", err)
	}
	expect(t, s, before...)
	if err := s.Protect(pgAt(10), P, RX); err != nil || s.Len() != MaxAreas { // one area to one: fine
		t.Fatalf("Protect of a whole area: %v", err)
	}
	same("Protect restoring", s.Protect(pgAt(10), P, uint32(1+10%2)), nil)

	// Now areas of three pages, so partial changes can split them. Area 500
	// spans pages 1500..1502 and has prot R.
	s.Init(lo0, lo0+4*MaxAreas*P)
	for k := uint64(0); k < MaxAreas; k++ {
		if _, err := s.Map(pgAt(3*k), 3*P, uint32(1+k%2), 0, Fixed); err != nil {
			t.Fatal(err)
		}
	}
	before = list(s)
	top = pgAt(3 * MaxAreas)
	ok := func(what string, err error, wantLen int) {
		t.Helper()
		if err != nil || s.Len() != wantLen {
			t.Fatalf("%s: %v, Len %d (want nil, %d)", what, err, s.Len(), wantLen)
		}
		mustValid(t, s)
	}
	restore := func() {
		t.Helper()
		ok("restore", func() error { _, err := s.Map(pgAt(1500), 3*P, R, 0, Fixed); return err }(), MaxAreas)
		expect(t, s, before...)
	}
	ok("Unmap of an area's end", s.Unmap(pgAt(1502), P/2), MaxAreas)
	restore()
	ok("Unmap of an area's start", s.Unmap(pgAt(1500), P), MaxAreas)
	restore()
	same("Unmap of an area's middle", s.Unmap(pgAt(1501), P), ErrNoMem)
	same("Protect of part of an area", s.Protect(pgAt(1500), P, RX), ErrNoMem)
	same("Protect across a boundary", s.Protect(pgAt(1502), 2*P, RX), ErrNoMem)
	_, err = s.Map(pgAt(1501), P, RX, 0, Fixed)
	same("Map inside an area", err, ErrNoMem)
	_, err = s.Map(pgAt(1501), P, R, 0, Fixed)
	ok("Map inside an area with equal attributes", err, MaxAreas)
	expect(t, s, before...)
	// Extending the last area upwards with equal attributes merges.
	a, err := s.Map(top, P, uint32(1+(MaxAreas-1)%2), 0, Fixed)
	ok("merging Map at the top", err, MaxAreas)
	if a != top {
		t.Fatalf("merging Map at %#x", a)
	}
	// The free space above is one gap; a new area there needs a slot.
	_, err = s.Map(0, P, RX, 0, Hint)
	if err != ErrNoMem {
		t.Fatalf("search Map on a full table: %v", err)
	}
	ok("Unmap", s.Unmap(top, P), MaxAreas)
	expect(t, s, before...)

	// Fixed from the middle of area 500 to the middle of area 502 splits
	// both ends (using the two spare slots) but the result has as many
	// areas as before, so it succeeds on a full table.
	_, err = s.Map(pgAt(1501), 6*P, RX, 0, Fixed)
	ok("Map across three areas", err, MaxAreas)
	if got := list(s)[500:503]; !equalAreas(got, []Area{ar(pgAt(1500), pgAt(1501), R), ar(pgAt(1501), pgAt(1507), RX), ar(pgAt(1507), pgAt(1509), R)}) {
		t.Fatalf("areas 500..502: %v", got)
	}
	// Protect back to R merges all three.
	ok("Protect merging three areas", s.Protect(pgAt(1501), 6*P, R), MaxAreas-2)
	// And with free slots, splits work again.
	ok("Unmap splitting", s.Unmap(pgAt(31), P), MaxAreas-1)
	ok("Protect splitting off one page", s.Protect(pgAt(33), P, RX), MaxAreas)
	before = list(s)
	same("Protect splitting in three on a full table", s.Protect(pgAt(37), P, RX), ErrNoMem)
}

// TestGoRuntimePattern replays the way the Go runtime uses mmap: reserve a
// big PROT_NONE range with a hint, commit pieces with MAP_FIXED read-write,
// release pieces, and reuse.
func TestGoRuntimePattern(t *testing.T) {
	const (
		lo     = 0x10000
		hi     = 0x7fff_ffff_f000
		arena  = 64 << 20
		hint   = 0xc000000000
		stride = 4 << 20
	)
	s := newSpace(t, lo, hi)
	a, err := s.Map(hint, arena, NONE, 0, Hint)
	if err != nil || a != hint {
		t.Fatalf("reserve: %#x, %v", a, err)
	}
	// Second reservation with the same hint goes elsewhere (top-down).
	b, err := s.Map(hint, arena, NONE, 0, Hint)
	if err != nil || b != hi-arena {
		t.Fatalf("second reserve: %#x, %v", b, err)
	}
	for off := uint64(0); off < arena; off += 2 * stride {
		if _, err := s.Map(hint+off, stride, RW, 0, Fixed); err != nil {
			t.Fatal(err)
		}
	}
	if s.Len() != 1+arena/stride {
		t.Fatalf("Len %d", s.Len())
	}
	// Fill the gaps: one big RW area.
	for off := uint64(stride); off < arena; off += 2 * stride {
		if _, err := s.Map(hint+off, stride, RW, 0, Fixed); err != nil {
			t.Fatal(err)
		}
	}
	expect(t, s, ar(hint, hint+arena, RW), ar(hi-arena, hi, NONE))
	if !s.Covered(hint+123, arena-123, RW) || s.Covered(hi-arena, 1, PROT_READ) {
		t.Fatal("Covered")
	}
	// Scavenge (munmap + remap PROT_NONE would be madvise, but the runtime
	// also unmaps partial ranges).
	if err := s.Unmap(hint+stride, stride); err != nil {
		t.Fatal(err)
	}
	if err := s.Protect(hint, stride, NONE); err != nil {
		t.Fatal(err)
	}
	expect(t, s, ar(hint, hint+stride, NONE), ar(hint+2*stride, hint+arena, RW), ar(hi-arena, hi, NONE))
	if err := s.Protect(hint, 2*stride, RW); err != ErrNoMem {
		t.Fatalf("Protect over the hole: %v", err)
	}
	if err := s.Unmap(lo, hi-lo); err != nil {
		t.Fatal(err)
	}
	expect(t, s)
}

func TestErrors(t *testing.T) {
	for _, c := range []struct {
		e     Error
		errno uintptr
	}{{ErrNoMem, 12}, {ErrExist, 17}, {ErrInval, 22}} {
		if c.e.Errno() != c.errno || c.e.Error() == "" {
			t.Errorf("%d: errno %d message %q", c.e, c.e.Errno(), c.e.Error())
		}
	}
	if Error(0).Error() == "" {
		t.Error("empty message")
	}
}

func TestNoAllocs(t *testing.T) {
	s := newSpace(t, lo0, hi0)
	var err error
	allocs := testing.AllocsPerRun(100, func() {
		a, _ := s.Map(0, 4*P, RW, 0, Hint)
		_, err = s.Map(a+P, P, R, 0, Fixed)
		_ = s.Protect(a, 2*P, NONE)
		_ = s.Covered(a, 4*P, NONE)
		_, _ = s.Lookup(a)
		_, err = s.Map(a, P, R, 0, FixedNoReplace) // error path
		_ = s.Unmap(a, 4*P)
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per run", allocs)
	}
	_ = err
	expect(t, s)
}

// benchSpace returns a Space with n live areas spread over it, each 4 pages
// with a 4-page gap, alternating prot.
func benchSpace(b *testing.B, n int) *Space {
	s := newSpace(b, lo0, lo0+uint64(16*n+64)*P)
	for k := 0; k < n; k++ {
		if _, err := s.Map(pgAt(uint64(8*k)), 4*P, uint32(1+k%2), 0, Fixed); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

func BenchmarkMapUnmap(b *testing.B) {
	for _, bc := range []struct {
		name string
		run  func(s *Space) error
	}{
		{"search", func(s *Space) error {
			a, err := s.Map(0, 16*P, RW, 0, Hint)
			if err != nil {
				return err
			}
			return s.Unmap(a, 16*P)
		}},
		{"hint-middle", func(s *Space) error {
			a, err := s.Map(pgAt(8*50+4), 4*P, RX|PROT_WRITE, 0, Hint)
			if err != nil || a != pgAt(8*50+4) {
				return fmt.Errorf("%#x %v", a, err)
			}
			return s.Unmap(a, 4*P)
		}},
		{"fixed-split-middle", func(s *Space) error {
			if _, err := s.Map(pgAt(8*50+1), 2*P, RW|PROT_EXEC, 0, Fixed); err != nil {
				return err
			}
			_, err := s.Map(pgAt(8*50+1), 2*P, uint32(1+50%2), 0, Fixed) // re-merge
			return err
		}},
		{"protect-split-merge", func(s *Space) error {
			if err := s.Protect(pgAt(8*50+1), 2*P, NONE); err != nil {
				return err
			}
			return s.Protect(pgAt(8*50+1), 2*P, uint32(1+50%2))
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := benchSpace(b, 100)
			b.ReportAllocs()
			for b.Loop() {
				if err := bc.run(s); err != nil {
					b.Fatal(err)
				}
			}
			if s.Len() != 100 {
				b.Fatalf("Len %d", s.Len())
			}
		})
	}
}
