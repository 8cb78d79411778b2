package console

// Allocation-free formatting for kernel messages. The digit loops run over
// constant index ranges so the compiler proves every index: no bounds-check
// panic may sit on the ring-0 path.

// Hex writes v as 0x followed by hexadecimal digits, without leading zeros.
//
//go:nosplit
func Hex(v uint64) {
	var buf [16]byte
	for i := 0; i < 16; i++ {
		buf[15-i] = "0123456789abcdef"[(v>>(4*i))&15]
	}
	s := 0
	for ; s < 15; s++ {
		if buf[s] != '0' {
			break
		}
	}
	WriteString("0x")
	if uint(s) < uint(len(buf)) {
		Write(buf[s:])
	}
}

// Dec writes v in decimal.
//
//go:nosplit
func Dec(v int64) {
	u := uint64(v)
	if v < 0 {
		u = uint64(-v)
		WriteString("-")
	}
	var buf [20]byte
	for i := 0; i < 20; i++ {
		buf[19-i] = byte('0' + u%10)
		u /= 10
	}
	s := 0
	for ; s < 19; s++ {
		if buf[s] != '0' {
			break
		}
	}
	if uint(s) < uint(len(buf)) {
		Write(buf[s:])
	}
}

// Line writes s followed by a newline.
//
//go:nosplit
func Line(s string) {
	WriteString(s)
	WriteString("\n")
}
