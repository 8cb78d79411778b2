package ksym

import (
	"encoding/binary"
	"fmt"
	"sort"
)

// Func is one function symbol for Encode.
type Func struct {
	Name        string
	Start, Size uint64
}

// Encode builds the table bytes for funcs (host side: tools/mkimage).
func Encode(funcs []Func) ([]byte, error) {
	fs := append([]Func(nil), funcs...)
	sort.Slice(fs, func(i, j int) bool { return fs[i].Start < fs[j].Start })
	var strs []byte
	b := make([]byte, headerSize+entrySize*len(fs))
	copy(b, Magic)
	binary.LittleEndian.PutUint32(b[8:], uint32(len(fs)))
	var high uint32 // the upper half of every address
	if len(fs) > 0 {
		high = uint32(fs[0].Start >> 32)
		binary.LittleEndian.PutUint32(b[12:], high)
	}
	for i, f := range fs {
		if uint32(f.Start>>32) != high || f.Size >= 1<<32 || uint32(f.Start)+uint32(f.Size) < uint32(f.Start) {
			return nil, fmt.Errorf("ksym: %s at %#x is outside the 4 GiB window of %#x", f.Name, f.Start, fs[0].Start)
		}
		e := b[headerSize+entrySize*i:]
		binary.LittleEndian.PutUint32(e[0:], uint32(f.Start))
		binary.LittleEndian.PutUint32(e[4:], uint32(f.Size))
		binary.LittleEndian.PutUint32(e[8:], uint32(len(strs)))
		strs = append(append(strs, f.Name...), 0)
	}
	b = append(b, strs...)
	if len(b) > Size {
		return nil, fmt.Errorf("ksym: %d bytes of symbols exceed the %d reserved; raise ksym.Size", len(b), Size)
	}
	return b, nil
}
