// Package console is the kernel's output: every byte goes to COM1 and to
// the screen console, the VGA text screen or a framebuffer (UseVGA,
// UseFramebuffer, UseSerialOnly). The screens understand UTF-8 and a few
// escape sequences (vt.go); serial passes the bytes on to a terminal.
//
// It is called from the ring-0 core (system calls writing fd 1 and 2,
// kernel messages, fault reports) with interrupts disabled; it allocates
// nothing and every function is //go:nosplit. A lock keeps writers from
// interleaving once there is more than one CPU; on one CPU with interrupts
// off it is only ever held by the code that a fault interrupted, which is
// why fault reports call Emergency first: a report must reach the serial
// port even if the fault struck while the lock was held.
package console

import (
	"sync/atomic"

	"gokernel/kernel/dev/uart"
)

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

// Screen names the screen console that shows the output. Serial always
// gets everything.
type Screen uint8

const (
	NoScreen          Screen = iota // COM1 only: before Init, or after UseSerialOnly
	VGAScreen                       // the VGA text screen, 80x25 (Init's choice)
	FramebufferScreen               // text drawn into a linear framebuffer
)

// String names the screen: "serial", "vga" or "framebuffer".
//
//go:nosplit
func (s Screen) String() string {
	switch s {
	case VGAScreen:
		return "vga"
	case FramebufferScreen:
		return "framebuffer"
	}
	return "serial"
}

// active is the screen console in use. Its zero value is NoScreen: early
// boot runs before package initialisation.
var active Screen

// Init sets up the serial port and the VGA text screen, and clears it.
//
//go:nosplit
func Init() {
	uart.Init()
	UseVGA()
}

// UseVGA makes the VGA text screen the screen console and clears it.
//
//go:nosplit
func UseVGA() {
	Lock()
	vgaInit()
	active = VGAScreen
	Unlock()
}

// UseFramebuffer makes the framebuffer m the screen console, clearing it,
// or, if the console cannot draw into it, returns a FramebufferError
// saying why and leaves the screen as it was. m.Addr must map the whole
// buffer, Pitch * Height bytes.
//
//go:nosplit
func UseFramebuffer(m Framebuffer) error {
	if e := fbCheck(&m); e != 0 {
		return e
	}
	Lock()
	fbs.setup(&m)
	fbs.showCursor()
	active = FramebufferScreen
	Unlock()
	return nil
}

// UseSerialOnly turns the screen console off.
//
//go:nosplit
func UseSerialOnly() {
	Lock()
	active = NoScreen
	Unlock()
}

// Active returns the screen console in use.
//
//go:nosplit
func Active() Screen { return active }

// ActiveFramebuffer returns the framebuffer in use, if it is the screen.
//
//go:nosplit
func ActiveFramebuffer() (Framebuffer, bool) {
	if active != FramebufferScreen {
		return Framebuffer{}, false
	}
	return fbs.mode, true
}

// TextSize returns the screen console's size in character cells: 0, 0
// without a screen. A framebuffer console uses at most 256 x 128 cells
// (fbMaxCols x fbMaxRows), in the top-left corner of a larger screen.
//
//go:nosplit
func TextSize() (cols, rows int) {
	switch active {
	case VGAScreen:
		return vgaCols, vgaRows
	case FramebufferScreen:
		return fbs.cols, fbs.rows
	}
	return 0, 0
}

// Write puts b on every console device. Serial gets the bytes as they
// are, but "\r\n" for "\n", as a terminal expects; the screen interprets
// UTF-8 and the escape sequences of vt.go.
//
//go:nosplit
func Write(b []byte) {
	Lock()
	begin()
	for _, c := range b {
		serial(c)
		switch active {
		case VGAScreen:
			text.put(c)
		case FramebufferScreen:
			fbs.put(c)
		}
	}
	end()
	Unlock()
}

// WriteString is Write for a string. (Write does not convert and call it:
// unsafe.String brings in runtime panic checks, which ring 0 must not
// reach; tools/ring0check rejects them.)
//
//go:nosplit
func WriteString(s string) {
	Lock()
	begin()
	for i := 0; i < len(s); i++ {
		c := s[i]
		serial(c)
		switch active {
		case VGAScreen:
			text.put(c)
		case FramebufferScreen:
			fbs.put(c)
		}
	}
	end()
	Unlock()
}

// begin and end bracket the output of one Write: the framebuffer's cursor
// is taken away while text is drawn, and the cursor is put where the text
// ended.
//
//go:nosplit
func begin() {
	if active == FramebufferScreen {
		fbs.hideCursor()
	}
}

//go:nosplit
func end() {
	switch active {
	case VGAScreen:
		vgaCursor()
	case FramebufferScreen:
		fbs.showCursor()
	}
}

// serial sends c to COM1, "\r\n" for "\n". (Write and WriteString call
// the screens themselves, not through a function for both: one call level
// less on the fault reporter's long chain.)
//
//go:nosplit
func serial(c byte) {
	if c == '\n' {
		uart.Put('\r')
	}
	uart.Put(c)
}
