package fs

import "gokernel/arch"

// A /tmp node's name lives in a 256-byte slot of its own, found by the
// node's index: 16 slots to a page, the page allocated when the first of
// its nodes is named. Slots are never freed, so renaming and reusing a
// node costs nothing, and the names of 4096 nodes take at most 1 MiB.
const (
	slotSize     = 256
	slotsPerPage = 4096 / slotSize
)

var namePages [MaxNodes / slotsPerPage]uint64

// setName gives /tmp node i the name name. It reports false when there
// was no page for the slot.
//
//go:nosplit
func setName(i int32, name []byte) bool {
	n := At(i)
	if n == nil || len(name) == 0 || len(name) > NameMax {
		return false
	}
	p := &namePages[(uint32(i)/slotsPerPage)%uint32(len(namePages))]
	if *p == 0 {
		pa, ok := newPage()
		if !ok {
			return false
		}
		*p = pa
	}
	slot := addr(*p) + uintptr(uint32(i)%slotsPerPage)*slotSize
	copy((*[slotSize]byte)(arch.Ptr(slot))[:], name)
	n.name, n.nameLen = slot, uint16(len(name))
	return true
}
