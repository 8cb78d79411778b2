package cpio

import "testing"

// FuzzNext: whatever the bytes, the reader ends (End or an error) within
// len/4 entries, every entry lies inside the archive, and a cleaned name
// has no "..", "." or empty component and does not start with '/'.
func FuzzNext(f *testing.F) {
	f.Add(archive(f, sample))
	f.Add([]byte("070701"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := NewReader(b)
		for n := 0; ; n++ {
			if n > len(b)/4+1 {
				t.Fatalf("more entries than the bytes allow")
			}
			var e Entry
			err := r.Next(&e)
			if err != OK {
				if err.String() == "unknown problem" {
					t.Fatalf("unnamed error %d", err)
				}
				if again := r.Next(&e); again != End {
					t.Fatalf("Next after %v returned %v", err, again)
				}
				return
			}
			if e.Off >= uint64(len(b)) || len(e.Name(b))+len(e.Data(b)) > len(b) || e.Name(b) == nil {
				t.Fatalf("entry outside the archive")
			}
			c, p := Clean(e.Name(b))
			if p != NameOK {
				continue
			}
			if c[0] == '/' || c[len(c)-1] == '/' {
				t.Fatalf("Clean(%q) = %q", e.Name(b), c)
			}
			start := 0
			for i := 0; i <= len(c); i++ {
				if i < len(c) && c[i] != '/' {
					continue
				}
				comp := string(c[start:i])
				if comp == "" || comp == "." || comp == ".." || len(comp) > NameMax {
					t.Fatalf("Clean(%q) kept component %q", e.Name(b), comp)
				}
				start = i + 1
			}
		}
	})
}
