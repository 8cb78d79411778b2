// Package console is the kernel's output: every byte goes to COM1 and to
// the VGA text screen.
//
// It is called from the ring-0 core (system calls writing fd 1 and 2,
// kernel messages, fault reports) with interrupts disabled, so it neither
// allocates nor locks, and every function is //go:nosplit. On one CPU with
// interrupts off nothing can interleave with a write.
package console

// Init sets up the serial port and clears the screen.
//
//go:nosplit
func Init() {
	initSerial()
	vgaInit()
}

// Write puts b on every console device. Serial gets "\r\n" for "\n", as a
// terminal expects.
//
//go:nosplit
func Write(b []byte) {
	for _, c := range b {
		putc(c)
	}
	vgaCursor()
}

// WriteString is Write for a string.
//
//go:nosplit
func WriteString(s string) {
	for i := 0; i < len(s); i++ {
		putc(s[i])
	}
	vgaCursor()
}

//go:nosplit
func putc(c byte) {
	if c == '\n' {
		serialPut('\r')
	}
	serialPut(c)
	vga.put(c)
}
