package acpi

import "gokernel/kernel/le"

// Reader returns a view of n bytes of physical memory at pa, or nil when
// that range is not accessible. In the kernel it is unsafe.Slice over the
// identity map and must itself be //go:nosplit and allocation-free; in
// tests, a fake memory. Walk treats a view shorter than n as inaccessible
// and never looks past n.
type Reader func(pa, n uint64) []byte

// Limits of Walk.
const (
	// MaxTables is the number of tables a Directory holds; further root
	// entries are counted in Dropped. QEMU lists 5 to 7, a large server
	// a few dozen.
	MaxTables = 64
	// MaxTableLength bounds the Length Walk believes, so that a corrupt
	// header cannot make it checksum gigabytes. The largest tables on
	// real machines are DSDTs of a few hundred KiB.
	MaxTableLength = 16 << 20
)

// TableInfo is one table Walk found.
type TableInfo struct {
	Addr      uint64  // physical address of the header
	Signature [4]byte // as read; meaningless when Err is ErrRead
	Length    uint32  // the header's Length
	Revision  uint8
	// Err is OK, ErrChecksum (the table may still be used; see the
	// package doc), ErrRead (the Reader gave no view of the header or of
	// Length bytes) or ErrLength (Length below 36 or above
	// MaxTableLength).
	Err Error
}

// Usable reports whether the table was read and its length is sane:
// Err is OK or ErrChecksum.
//
//go:nosplit
func (t *TableInfo) Usable() bool { return t.Err == OK || t.Err == ErrChecksum }

// Directory is what Walk found: the root table used and one TableInfo
// per distinct table address it lists, in the root's order, followed by
// the DSDT that the first FADT points to. It is about 1.6 KiB: keep it in
// a package variable of the caller, not on a nosplit stack.
type Directory struct {
	_ [0]func() // not comparable: no generated equality function

	Root    uint64 // physical address of the root table used
	XSDT    bool   // Root is an XSDT (else an RSDT)
	RootLen uint32 // its Length
	// RootErr is OK, or ErrChecksum when the root table's checksum is
	// wrong (it is used anyway), or the reason the XSDT could not be
	// used when Walk fell back to the RSDT.
	RootErr Error

	Tables  [MaxTables]TableInfo
	N       int // entries of Tables in use
	Dropped int // distinct tables that did not fit
}

// Walk reads the root table that r names (the XSDT if there is one,
// falling back to the RSDT if the XSDT cannot be read or fails the header
// check other than by its checksum) and records every table it lists,
// skipping null and repeated addresses, plus the DSDT named by the
// FADT's X_DSDT or DSDT field (§5.2.9), which no root table lists. Each
// table's header is read, its Length checked and its checksum computed;
// a table that fails is still recorded, with its Err set. Walk returns OK
// when a root table was used, whatever the entries' own errors; otherwise
// ErrNoRoot, or the error of the last root table tried.
//
//go:nosplit
func Walk(r *RSDP, read Reader, d *Directory) Error {
	if r == nil || read == nil || d == nil {
		return ErrNilArgument
	}
	*d = Directory{}
	pa, xsdt := r.Root()
	if pa == 0 {
		return ErrNoRoot
	}
	root, err := readTable(read, pa, xsdt)
	if err != OK && err != ErrChecksum && xsdt && r.RSDT != 0 {
		d.RootErr = err
		pa, xsdt = uint64(r.RSDT), false
		root, err = readTable(read, pa, false)
	}
	if err != OK && err != ErrChecksum {
		return err
	}
	if err == ErrChecksum {
		d.RootErr = err
	}
	d.Root, d.XSDT, d.RootLen = pa, xsdt, uint32(len(root))

	fadtSeen := false
	n := RootEntries(root, xsdt)
	for i := 0; i < n; i++ {
		a := RootEntry(root, xsdt, i)
		t := d.add(read, a)
		if t == nil || fadtSeen || t.Err != OK && t.Err != ErrChecksum || !hasPrefix(t.Signature[:], SigFADT) {
			continue
		}
		fadtSeen = true
		if f := view(read, t.Addr, uint64(t.Length)); f != nil {
			d.add(read, fadtDSDT(f))
		}
	}
	return OK
}

// add records the table at pa unless pa is 0 or already recorded, and
// returns its entry (nil when it was skipped or did not fit).
//
//go:nosplit
func (d *Directory) add(read Reader, pa uint64) *TableInfo {
	if pa == 0 {
		return nil
	}
	n := d.N
	if n < 0 || n > len(d.Tables) {
		return nil
	}
	for i := 0; i < n; i++ {
		if d.Tables[i].Addr == pa {
			return nil
		}
	}
	if n == len(d.Tables) {
		d.Dropped++
		return nil
	}
	t := &d.Tables[n]
	d.N = n + 1
	*t = TableInfo{Addr: pa}
	h := view(read, pa, HeaderSize)
	if h == nil {
		t.Err = ErrRead
		return t
	}
	t.Signature = copy4(h)
	t.Length = le.U32(h, hdrLength)
	t.Revision = le.U8(h, hdrRevision)
	if t.Length < HeaderSize || t.Length > MaxTableLength {
		t.Err = ErrLength
		return t
	}
	b := view(read, pa, uint64(t.Length))
	if b == nil {
		t.Err = ErrRead
		return t
	}
	if sum(b) != 0 {
		t.Err = ErrChecksum
	}
	return t
}

// Find returns the first usable table (see TableInfo.Usable) with
// signature sig.
//
//go:nosplit
func (d *Directory) Find(sig string) (TableInfo, bool) {
	n := d.N
	if n > len(d.Tables) {
		n = len(d.Tables)
	}
	for i := 0; i < n; i++ {
		t := &d.Tables[i]
		if t.Usable() && len(sig) == 4 && hasPrefix(t.Signature[:], sig) {
			return *t, true
		}
	}
	return TableInfo{}, false
}

// readTable reads the root table at pa: the header, then Length bytes,
// then CheckTable against "XSDT" or "RSDT".
//
//go:nosplit
func readTable(read Reader, pa uint64, xsdt bool) ([]byte, Error) {
	h := view(read, pa, HeaderSize)
	if h == nil {
		return nil, ErrRead
	}
	n := le.U32(h, hdrLength)
	if n < HeaderSize || n > MaxTableLength {
		return nil, ErrLength
	}
	b := view(read, pa, uint64(n))
	if b == nil {
		return nil, ErrRead
	}
	sig := SigRSDT
	if xsdt {
		sig = SigXSDT
	}
	return CheckTable(b, sig)
}

// view returns exactly n bytes of physical memory at pa, or nil when n is
// 0, pa+n wraps, or read gives no (or too short a) view. It is the one
// place the package calls a function value, and is kept out of line so
// that it stays the one place in the machine code too (codegen_test.go
// checks that this is Walk's only indirect call).
//
//go:nosplit
//go:noinline
func view(read Reader, pa, n uint64) []byte {
	if n == 0 || n > MaxTableLength || pa+n < pa {
		return nil
	}
	b := read(pa, n)
	if uint64(len(b)) < n {
		return nil
	}
	return b[:n]
}
