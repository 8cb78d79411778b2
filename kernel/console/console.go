// Package console is the kernel's output: every byte goes to COM1 and to
// the VGA text screen.
//
// It is called from the ring-0 core (system calls writing fd 1 and 2,
// kernel messages, fault reports) with interrupts disabled; it allocates
// nothing and every function is //go:nosplit. A lock keeps writers from
// interleaving once there is more than one CPU; on one CPU with interrupts
// off it is only ever held by the code that a fault interrupted, which is
// why fault reports call Emergency first: a report must reach the serial
// port even if the fault struck while the lock was held.
package console

import "sync/atomic"

var (
	lock      atomic.Uint32
	emergency atomic.Bool
)

// Lock takes the console lock, or breaks it after a bounded spin: a console
// that cannot be taken must not stop the kernel from printing.
//
//go:nosplit
func Lock() {
	if emergency.Load() {
		return
	}
	for i := 0; i < 1_000_000; i++ {
		if lock.CompareAndSwap(0, 1) {
			return
		}
	}
	lock.Store(1)
}

// Unlock releases the console lock.
//
//go:nosplit
func Unlock() { lock.Store(0) }

// Emergency makes every later write ignore the lock: for fault reports.
//
//go:nosplit
func Emergency() { emergency.Store(true) }

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
	Lock()
	for _, c := range b {
		putc(c)
	}
	vgaCursor()
	Unlock()
}

// WriteString is Write for a string.
//
//go:nosplit
func WriteString(s string) {
	Lock()
	for i := 0; i < len(s); i++ {
		putc(s[i])
	}
	vgaCursor()
	Unlock()
}

//go:nosplit
func putc(c byte) {
	if c == '\n' {
		serialPut('\r')
	}
	serialPut(c)
	vga.put(c)
}
