package pci

import (
	"fmt"
	"sort"
)

// Function is one function found by Enumerate.
type Function struct {
	Addr
	Header
	Depth int // bridges between the root bus and this function's bus
}

// Scan is what Enumerate found: the functions in bus:dev.fn order, and a
// reason for each thing it refused to follow.
type Scan struct {
	Functions []Function
	Problems  []error
}

// Enumerate lists the functions reachable through c from the root buses
// (bus 0 if none are given), following PCI-to-PCI bridges to their
// secondary buses (PCI-to-PCI Bridge Architecture 1.2 §3.2.5.3) as the
// firmware numbered them: it does not renumber buses. Every device
// 0-31 of a bus is probed at function 0, and functions 1-7 only when
// function 0 says it is multi-function (§6.2.1), so a single-function
// device that ignores the function number is not listed eight times.
//
// If 00:00.0 is a multi-function host bridge, function N of it is the
// host bridge of bus N, which is then also a root (the convention of
// machines with several host bridges; QEMU has none).
//
// The walk is bounded: a bridge is followed only to a secondary bus
// above its own bus that no one has scanned yet, so no bus is scanned
// twice and the nesting is at most 255 deep. A bridge whose secondary
// bus is 0 (unconfigured), not above its own, or already scanned is
// reported in Problems and not followed.
func Enumerate(c Config, roots ...uint8) Scan {
	if len(roots) == 0 {
		roots = []uint8{0}
	}
	e := enumerator{c: c}
	for _, r := range roots {
		if !e.seen[r] {
			e.bus(r, 0)
		}
	}
	if h, err := ReadHeader(c, Addr{}); err == nil && h.MultiFunction && h.Class == ClassHostBridge {
		for fn := uint8(1); fn < 8; fn++ {
			if g, err := ReadHeader(c, Addr{0, 0, fn}); err == nil && g.Class == ClassHostBridge && !e.seen[fn] {
				e.bus(fn, 0)
			}
		}
	}
	sort.Slice(e.out.Functions, func(i, j int) bool {
		return e.out.Functions[i].Addr.less(e.out.Functions[j].Addr)
	})
	return e.out
}

type enumerator struct {
	c    Config
	seen [256]bool
	out  Scan
}

func (e *enumerator) problem(format string, args ...any) {
	e.out.Problems = append(e.out.Problems, fmt.Errorf("pci: "+format, args...))
}

// bus scans bus b at the given bridge depth, and the buses behind its
// bridges.
func (e *enumerator) bus(b uint8, depth int) {
	e.seen[b] = true
	for dev := uint8(0); dev < 32; dev++ {
		h, err := ReadHeader(e.c, Addr{b, dev, 0})
		if err == ErrNoFunction {
			continue
		}
		e.function(Addr{b, dev, 0}, h, err, depth)
		if err != nil || !h.MultiFunction {
			continue
		}
		for fn := uint8(1); fn < 8; fn++ {
			a := Addr{b, dev, fn}
			g, err := ReadHeader(e.c, a)
			if err != ErrNoFunction {
				e.function(a, g, err, depth)
			}
		}
	}
}

// function records one function and follows it if it is a bridge.
func (e *enumerator) function(a Addr, h Header, err error, depth int) {
	if err != nil {
		e.problem("%s: %v", a, err)
		return
	}
	e.out.Functions = append(e.out.Functions, Function{Addr: a, Header: h, Depth: depth})
	if h.Type != TypeBridge {
		return
	}
	switch s := h.Secondary; {
	case s == 0:
		e.problem("%s: bridge not configured (secondary bus 0)", a)
	case s <= a.Bus || h.Subordinate < s:
		e.problem("%s: bridge's buses %d-%d do not lie behind bus %d", a, s, h.Subordinate, a.Bus)
	case e.seen[s]:
		e.problem("%s: bridge's secondary bus %d already scanned", a, s)
	default:
		e.bus(s, depth+1)
	}
}
