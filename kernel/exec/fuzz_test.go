package exec

import (
	"encoding/binary"
	"testing"
)

// FuzzParse: any input either fails with a named error or yields segments
// the loader can trust: in the user range, inside the file, not sharing
// a page, with the entry in an executable one.
func FuzzParse(f *testing.F) {
	f.Add([]byte("\x7fELF"))
	f.Add(minimal())
	f.Fuzz(func(t *testing.T, b []byte) {
		var p Program
		e := Parse(b, &p)
		if e != OK {
			if e.String() == "unknown problem" {
				t.Fatalf("unnamed error %d", e)
			}
			return
		}
		entryOK := false
		for i := 0; i < p.NSegs; i++ {
			s := p.Segs[i]
			if s.Vaddr < MinAddr || s.Vaddr+s.Memsz > MaxAddr || s.Filesz > s.Memsz || s.Off+s.Filesz > uint64(len(b)) {
				t.Fatalf("segment %d accepted: %+v (file %d bytes)", i, s, len(b))
			}
			for j := 0; j < i; j++ {
				if o := p.Segs[j]; s.Start() < o.End() && o.Start() < s.End() {
					t.Fatalf("segments %d and %d overlap", j, i)
				}
			}
			entryOK = entryOK || (s.Exec && p.Entry >= s.Vaddr && p.Entry < s.Vaddr+s.Memsz)
		}
		if !entryOK {
			t.Fatalf("entry %#x accepted outside executable segments", p.Entry)
		}
	})
}

// minimal is a hand-made valid ELF: a header and one PT_LOAD of one page
// holding the headers, executable, with the entry in it.
func minimal() []byte {
	b := make([]byte, 0x200)
	le := binary.LittleEndian
	copy(b, "\x7fELF\x02\x01\x01")
	le.PutUint16(b[16:], etExec)
	le.PutUint16(b[18:], emX86_64)
	le.PutUint32(b[20:], 1)
	le.PutUint64(b[24:], 0x400100) // entry
	le.PutUint64(b[32:], 64)       // phoff
	le.PutUint16(b[54:], phdrSize)
	le.PutUint16(b[56:], 1)
	h := b[64:]
	le.PutUint32(h[0:], ptLoad)
	le.PutUint32(h[4:], pfR|pfX)
	le.PutUint64(h[8:], 0)
	le.PutUint64(h[16:], 0x400000)
	le.PutUint64(h[32:], 0x200)
	le.PutUint64(h[40:], 0x1000)
	return b
}

func TestMinimal(t *testing.T) {
	var p Program
	if e := Parse(minimal(), &p); e != OK || p.Phdr != 0x400040 || p.Pages != 1 {
		t.Fatalf("Parse = %v, %+v", e, p)
	}
}
