package vma

import (
	"encoding/binary"
	"fmt"
	"math/rand"
	"testing"
)

// model is a page-granular reference implementation of Space: one entry per
// page of [lo, hi), 0 for unmapped, mapped|prot<<32|flags otherwise.
type model struct {
	lo, hi  uint64
	pg      []uint64
	scratch []uint64 // the next state being built
	full    int      // operations refused because the table would overflow
}

const mapped = 1 << 63

func newModel(lo, hi uint64) *model {
	n := (hi - lo) / PageSize
	return &model{lo: lo, hi: hi, pg: make([]uint64, n), scratch: make([]uint64, n)}
}

func roundUp(x uint64) uint64 { return (x + PageSize - 1) &^ (PageSize - 1) }

// runs counts the areas a canonical list needs for pg.
func runs(pg []uint64) int {
	n := 0
	for i, v := range pg {
		if v != 0 && (i == 0 || pg[i-1] != v) {
			n++
		}
	}
	return n
}

func (m *model) areas() []Area {
	var as []Area
	for i, v := range m.pg {
		if v == 0 {
			continue
		}
		addr := m.lo + uint64(i)*PageSize
		if i > 0 && m.pg[i-1] == v {
			as[len(as)-1].End += PageSize
			continue
		}
		as = append(as, Area{Start: addr, End: addr + PageSize, Prot: uint32(v >> 32 & 0x7fffffff), Flags: uint32(v)})
	}
	return as
}

// next returns a copy of the state to modify and pass to commit.
func (m *model) next() []uint64 {
	copy(m.scratch, m.pg)
	return m.scratch
}

// commit installs pg (from next) unless it needs too many areas.
func (m *model) commit(pg []uint64) error {
	if runs(pg) > MaxAreas {
		m.full++
		return ErrNoMem
	}
	m.pg, m.scratch = pg, m.pg
	return nil
}

// pages returns the page indexes of [a, b) clipped to the model.
func (m *model) pages(a, b uint64) (int, int) {
	a, b = max(a, m.lo), min(b, m.hi)
	if a >= b {
		return 0, 0
	}
	return int((a - m.lo) / PageSize), int((b - m.lo) / PageSize)
}

func (m *model) isFree(a, b uint64) bool {
	i, j := m.pages(a, b)
	for k := i; k < j; k++ {
		if m.pg[k] != 0 {
			return false
		}
	}
	return true
}

func (m *model) Map(addr, length uint64, prot, flags uint32, how MapHow) (uint64, error) {
	if length == 0 || length > ^uint64(PageSize-1) || prot > 7 {
		return 0, ErrInval
	}
	l := roundUp(length)
	switch how {
	case Fixed, FixedNoReplace:
		if addr%PageSize != 0 || addr < m.lo || addr > m.hi || l > m.hi-addr {
			return 0, ErrInval
		}
		if how == FixedNoReplace && !m.isFree(addr, addr+l) {
			return 0, ErrExist
		}
	case Hint:
		h := roundUp(addr)
		if addr != 0 && addr <= ^uint64(PageSize-1) && h >= m.lo && h <= m.hi && l <= m.hi-h && m.isFree(h, h+l) {
			addr = h
			break
		}
		// Highest address with l free bytes above it: scan down.
		need := int(l / PageSize)
		run, found := 0, -1
		for k := len(m.pg) - 1; k >= 0; k-- {
			if m.pg[k] != 0 {
				run = 0
				continue
			}
			if run++; run >= need {
				found = k
				break
			}
		}
		if found < 0 {
			return 0, ErrNoMem
		}
		addr = m.lo + uint64(found)*PageSize
	default:
		return 0, ErrInval
	}
	pg := m.next()
	i, j := m.pages(addr, addr+l)
	for k := i; k < j; k++ {
		pg[k] = mapped | uint64(prot)<<32 | uint64(flags)
	}
	if err := m.commit(pg); err != nil {
		return 0, err
	}
	return addr, nil
}

func (m *model) Unmap(addr, length uint64) error {
	if addr%PageSize != 0 || length == 0 || length > ^uint64(PageSize-1) || addr+roundUp(length) < addr {
		return ErrInval
	}
	pg := m.next()
	i, j := m.pages(addr, addr+roundUp(length))
	for k := i; k < j; k++ {
		pg[k] = 0
	}
	return m.commit(pg)
}

func (m *model) Protect(addr, length uint64, prot uint32) error {
	if addr%PageSize != 0 || prot > 7 {
		return ErrInval
	}
	if length == 0 {
		return nil
	}
	if length > ^uint64(PageSize-1) || addr+roundUp(length) < addr {
		return ErrNoMem
	}
	end := addr + roundUp(length)
	if addr < m.lo || end > m.hi {
		return ErrNoMem
	}
	pg := m.next()
	i, j := m.pages(addr, end)
	for k := i; k < j; k++ {
		if pg[k] == 0 {
			return ErrNoMem
		}
		pg[k] = pg[k]&^(0x7fffffff<<32) | uint64(prot)<<32
	}
	return m.commit(pg)
}

func (m *model) Covered(addr, length uint64, prot uint32) bool {
	if length == 0 {
		return true
	}
	end := addr + length
	if end < addr || addr < m.lo || end > m.hi {
		return false
	}
	for a := addr &^ (PageSize - 1); a < end; a += PageSize {
		v := m.pg[(a-m.lo)/PageSize]
		if v == 0 || uint32(v>>32)&prot != prot {
			return false
		}
	}
	return true
}

// list returns the areas of s.
func list(s *Space) []Area {
	as := make([]Area, s.Len())
	for i := range as {
		as[i] = s.At(i)
	}
	return as
}

// checkInvariants verifies the structural invariants of s.
func checkInvariants(s *Space) error {
	lo, hi := s.Bounds()
	n := s.Len()
	if n < 0 || n > MaxAreas || n != s.n {
		return fmt.Errorf("bad count %d (n=%d)", n, s.n)
	}
	var sum uint64
	for i := 0; i < n; i++ {
		a := s.At(i)
		switch {
		case a.Start%PageSize != 0 || a.End%PageSize != 0:
			return fmt.Errorf("area %d %+v not page aligned", i, a)
		case a.Start >= a.End:
			return fmt.Errorf("area %d %+v empty", i, a)
		case a.Start < lo || a.End > hi:
			return fmt.Errorf("area %d %+v outside [%#x,%#x)", i, a, lo, hi)
		case a.Prot&^protMask != 0:
			return fmt.Errorf("area %d %+v bad prot", i, a)
		}
		if i > 0 {
			p := s.At(i - 1)
			if p.End > a.Start {
				return fmt.Errorf("areas %d %+v and %d %+v overlap or are unsorted", i-1, p, i, a)
			}
			if p.End == a.Start && p.Prot == a.Prot && p.Flags == a.Flags {
				return fmt.Errorf("areas %d %+v and %d %+v not merged", i-1, p, i, a)
			}
		}
		sum += a.End - a.Start
	}
	if sum != s.MappedBytes() {
		return fmt.Errorf("MappedBytes %d, areas sum to %d", s.MappedBytes(), sum)
	}
	return nil
}

func equalAreas(a, b []Area) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// harness runs the same operations on a Space and a model.
type harness struct {
	s     *Space
	m     *model
	small bool     // mostly small lengths: keep a prefilled table near full
	steps []string // for failure messages
}

const (
	harnessLo    = 0x100000
	harnessPages = 2600 // room for more than MaxAreas areas
)

func newHarness() *harness {
	h := &harness{s: new(Space), m: newModel(harnessLo, harnessLo+harnessPages*PageSize)}
	h.s.Init(h.m.lo, h.m.hi)
	return h
}

// prefill maps count two-page areas with alternating prot from the
// bottom, so that the table is close to full and one-page operations split
// areas.
func (h *harness) prefill(count int) error {
	for k := 0; k < count; k++ {
		a := h.m.lo + uint64(2*k)*PageSize
		prot := uint32(PROT_READ + k%2)
		if _, err := h.s.Map(a, 2*PageSize, prot, 0, Fixed); err != nil {
			return fmt.Errorf("prefill %d: %v", k, err)
		}
		h.m.pg[2*k] = mapped | uint64(prot)<<32
		h.m.pg[2*k+1] = mapped | uint64(prot)<<32
	}
	h.small = true
	if !h.matches() {
		return fmt.Errorf("prefill: %s", diffAreas(list(h.s), h.m.areas()))
	}
	return checkInvariants(h.s)
}

// step decodes one operation from 8 bytes, applies it to both sides and
// checks that they agree.
func (h *harness) step(op []byte) error {
	// Addresses cover the whole space plus a margin on both sides; most are
	// page aligned.
	span := uint64(harnessPages + 64)
	addr := h.m.lo - 32*PageSize + uint64(binary.LittleEndian.Uint16(op[1:]))%span*PageSize
	if op[7]&0x10 != 0 {
		addr += uint64(op[6]) // unaligned
	}
	var length uint64
	switch op[7] & 0x60 {
	case 0x00:
		length = uint64(op[3]%8+1) * PageSize // small
	case 0x20:
		length = uint64(binary.LittleEndian.Uint16(op[3:])%300) * PageSize // large, maybe 0
	case 0x40:
		length = uint64(op[3])*PageSize + uint64(op[4]) // unaligned
	default:
		length = ^uint64(0) - uint64(op[4]) // overflowing
	}
	if h.small && op[4] < 0xf0 {
		length = uint64(op[3]%3+1) * PageSize
		addr = h.m.lo + uint64(binary.LittleEndian.Uint16(op[1:]))%(2*MaxAreas+16)*PageSize
	}
	prot := uint32(op[5] & 7)
	if op[5]&0x80 != 0 && op[5]&0x40 != 0 {
		prot |= 8 // invalid
	}
	flags := uint32(op[5]>>3) & 1
	how := MapHow(op[6] % 4)
	if how == 3 && op[6]&0x80 == 0 {
		how = Hint // mostly valid
	}

	var desc string
	var errS, errM error
	kind := op[0] % 6
	if h.small && (kind == 2 || kind == 3) && op[6]&3 != 0 {
		kind = 4 // fewer unmaps, so the table stays near full
	}
	switch kind {
	case 0, 1:
		if op[7]&0x80 != 0 {
			addr = 0 // no hint
		}
		desc = fmt.Sprintf("Map(%#x, %#x, %d, %d, %d)", addr, length, prot, flags, how)
		pred := h.predict(how == Fixed, addr, length, opMap, mkattr(prot, flags))
		var a1, a2 uint64
		a1, errS = h.s.Map(addr, length, prot, flags, how)
		a2, errM = h.m.Map(addr, length, prot, flags, how)
		if a1 != a2 {
			return fmt.Errorf("%s = %#x, %v; model %#x, %v", desc, a1, errS, a2, errM)
		}
		if errS == nil && pred >= 0 && h.s.Len() != pred {
			return fmt.Errorf("%s: %d areas, result() predicted %d", desc, h.s.Len(), pred)
		}
	case 2, 3:
		desc = fmt.Sprintf("Unmap(%#x, %#x)", addr, length)
		pred := h.predict(true, addr, length, opUnmap, 0)
		errS = h.s.Unmap(addr, length)
		errM = h.m.Unmap(addr, length)
		if errS == nil && pred >= 0 && h.s.Len() != pred {
			return fmt.Errorf("%s: %d areas, result() predicted %d", desc, h.s.Len(), pred)
		}
	case 4:
		desc = fmt.Sprintf("Protect(%#x, %#x, %d)", addr, length, prot)
		pred := h.predict(true, addr, length, opProtect, mkattr(prot, 0))
		errS = h.s.Protect(addr, length, prot)
		errM = h.m.Protect(addr, length, prot)
		if errS == nil && pred >= 0 && h.s.Len() != pred {
			return fmt.Errorf("%s: %d areas, result() predicted %d", desc, h.s.Len(), pred)
		}
	case 5:
		desc = fmt.Sprintf("Covered(%#x, %#x, %d)", addr, length%(64*PageSize), prot)
		c1 := h.s.Covered(addr, length%(64*PageSize), prot)
		c2 := h.m.Covered(addr, length%(64*PageSize), prot)
		if c1 != c2 {
			return fmt.Errorf("%s = %v, model %v", desc, c1, c2)
		}
		ar, ok := h.s.Lookup(addr)
		inside := addr >= h.m.lo && addr < h.m.hi && h.m.pg[(addr-h.m.lo)/PageSize] != 0
		if ok != inside || (ok && (addr < ar.Start || addr >= ar.End)) {
			return fmt.Errorf("Lookup(%#x) = %+v %v, model mapped=%v", addr, ar, ok, inside)
		}
	}
	h.steps = append(h.steps, desc)
	if errS != errM {
		return fmt.Errorf("%s = %v, model %v", desc, errS, errM)
	}
	if err := checkInvariants(h.s); err != nil {
		return fmt.Errorf("after %s: %v", desc, err)
	}
	if !h.matches() {
		return fmt.Errorf("after %s: areas differ from the model: %s", desc, diffAreas(list(h.s), h.m.areas()))
	}
	return nil
}

// matches reports whether the Space maps exactly the model's pages, with
// the same attributes. With the invariants (which include merging) this
// means the area lists are equal.
func (h *harness) matches() bool {
	m := h.m
	k := 0
	for i := 0; i < h.s.Len(); i++ {
		a := h.s.At(i)
		if a.Start < m.lo || a.End > m.hi {
			return false
		}
		first, end := int((a.Start-m.lo)/PageSize), int((a.End-m.lo)/PageSize)
		for ; k < first; k++ {
			if m.pg[k] != 0 {
				return false
			}
		}
		v := mapped | uint64(a.Prot)<<32 | uint64(a.Flags)
		for ; k < end; k++ {
			if m.pg[k] != v {
				return false
			}
		}
	}
	for ; k < len(m.pg); k++ {
		if m.pg[k] != 0 {
			return false
		}
	}
	return true
}

// predict returns what result() says the area count will be after an edit
// of [addr, addr+roundUp(length)), or -1 if the range is not one edit would
// see (or valid is false).
func (h *harness) predict(valid bool, addr, length uint64, op int, attr uint64) int {
	if !valid || addr%PageSize != 0 || length == 0 || length > ^uint64(PageSize-1) || addr+roundUp(length) <= addr {
		return -1
	}
	n, ok := h.s.result(addr, addr+roundUp(length), op, attr)
	if !ok {
		return -1
	}
	return n
}

func (h *harness) fail(t *testing.T, err error) {
	t.Helper()
	from := max(0, len(h.steps)-10)
	t.Fatalf("%v\nlast steps: %v", err, h.steps[from:])
}

func TestRandomAgainstModel(t *testing.T) {
	full, peak := 0, 0
	defer func() { t.Logf("%d operations refused for a full table; peak %d areas", full, peak) }()
	for seed := int64(1); seed <= 40; seed++ {
		rng := rand.New(rand.NewSource(seed))
		h := newHarness()
		if seed%4 == 0 {
			if err := h.prefill(MaxAreas - 3); err != nil {
				t.Fatal(err)
			}
		}
		op := make([]byte, 8)
		for i := 0; i < 1500; i++ {
			rng.Read(op)
			if err := h.step(op); err != nil {
				h.fail(t, fmt.Errorf("seed %d step %d: %v", seed, i, err))
			}
			peak = max(peak, h.s.Len())
		}
		full += h.m.full
	}
}

// FuzzSpace decodes a byte string into operations, applies them to a Space
// and the model, and checks the invariants after each. The first byte
// chooses whether to start from an almost full table.
func FuzzSpace(f *testing.F) {
	f.Add([]byte{0, 0, 1, 0, 4, 0, 3, 0, 0})
	f.Add([]byte{1, 0, 10, 0, 3, 0, 3, 1, 0, 2, 12, 0, 1, 0, 0, 0, 0, 4, 11, 0, 0, 0, 1, 0, 0})
	f.Add([]byte{0,
		0, 0, 1, 8, 0, 3, 2, 0x80, // Map, hint 0
		0, 0, 2, 4, 0, 1, 1, 0, // Map fixed
		4, 0, 2, 1, 0, 7, 0, 0, // Protect
		2, 0, 2, 0, 0, 0, 0, 0x40, // Unmap unaligned length
		5, 0, 2, 3, 0, 1, 0, 0, // Covered
	})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		h := newHarness()
		if data[0]&1 != 0 {
			if err := h.prefill(MaxAreas - int(data[0]>>1)%8); err != nil {
				t.Fatal(err)
			}
		}
		data = data[1:]
		for i := 0; len(data) >= 8 && i < 100; i++ {
			if err := h.step(data[:8]); err != nil {
				h.fail(t, fmt.Errorf("op %d: %v", i, err))
			}
			data = data[8:]
		}
	})
}
