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
	for i, f := range fs {
		if f.Start >= 1<<32 || f.Size >= 1<<32 {
			return nil, fmt.Errorf("ksym: %s at %#x does not fit 32 bits", f.Name, f.Start)
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
