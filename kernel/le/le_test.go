package le

import "testing"

func TestReaders(t *testing.T) {
	b := []byte{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09}
	for _, c := range []struct {
		name      string
		got, want uint64
	}{
		{"U8 0", uint64(U8(b, 0)), 0x01},
		{"U8 last", uint64(U8(b, 8)), 0x09},
		{"U8 past", uint64(U8(b, 9)), 0},
		{"U8 negative", uint64(U8(b, -1)), 0},
		{"U16 1", uint64(U16(b, 1)), 0x0302},
		{"U16 straddling the end", uint64(U16(b, 8)), 0},
		{"U16 negative", uint64(U16(b, -1)), 0},
		{"U32 0", uint64(U32(b, 0)), 0x04030201},
		{"U32 last whole", uint64(U32(b, 5)), 0x09080706},
		{"U32 straddling the end", uint64(U32(b, 6)), 0},
		{"U32 huge offset", uint64(U32(b, int(^uint(0)>>1))), 0},
		{"U64 0", U64(b, 0), 0x0807060504030201},
		{"U64 1", U64(b, 1), 0x0908070605040302},
		{"U64 high half past the end", U64(b, 4), 0x08070605},
		{"U32 of nil", uint64(U32(nil, 0)), 0},
	} {
		if c.got != c.want {
			t.Errorf("%s: %#x, want %#x", c.name, c.got, c.want)
		}
	}
}
