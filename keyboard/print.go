package keyboard

import (
	"io"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"gokernel/task"
)

// Scancodes is a stream of scancode bytes from the keyboard interrupt that
// counts the bytes it had to drop: the post's ScancodeStream, which the
// kernel's PS/2 driver provides (ps2.ScancodeStream; any
// *source.Source[byte] will do).
type Scancodes interface {
	task.Stream[byte]
	Dropped() uint64
}

// DropReportInterval is the least time between two "scancode queue full"
// lines of a KeypressPrinter.
const DropReportInterval = time.Second

// KeypressPrinter is the post's print_keypresses task: it decodes the
// scancodes of a stream and echoes the keys to a writer. Make it with
// PrintKeypresses and spawn it; it completes when the stream is closed.
//
// Echo rules: a printable character is written as it is (UTF-8); Enter
// writes "\n"; Tab writes spaces up to the next multiple of 8 columns;
// Backspace erases the last character written on the current line with
// "\b \b" (at the start of a line it does nothing: the line above, or a
// prompt, is not ours to erase); other control characters (Escape,
// Ctrl+letter) are shown in caret notation, "^[" and "^C"; keys without a
// character are shown by name in angle brackets, "<ArrowUp>", except the
// modifiers and locks (Shift, Ctrl, Alt, AltGr, Windows, Caps/Num/Scroll
// Lock), which change what other keys give and print nothing themselves.
//
// Dropped scancodes are reported at most once per DropReportInterval: after
// a poll in which the stream's drop counter has grown since the last
// report, the printer writes "keyboard: scancode queue full; dropped N"
// (N the stream's total) on a line of its own. Drops are only noticed when
// the task runs, that is when keys arrive.
type KeypressPrinter struct {
	// Now is the clock of the rate limit; nil means time.Now. Tests set
	// it before the first poll.
	Now func() time.Time

	// OnLEDs, if set, is called when a lock key changes the lock LEDs,
	// with the byte the keyboard's Set LEDs command (0xED) takes: bit 0
	// Scroll Lock, bit 1 Num Lock, bit 2 Caps Lock. The kernel points it
	// at its PS/2 driver.
	OnLEDs func(leds uint8)

	s    Scancodes
	dec  *Decoder
	w    io.Writer
	loop task.Future[struct{}]

	col          int       // cells written on the current line
	reported     uint64    // drop count at the last report
	lastReport   time.Time // when that was
	everReported bool
	buf          [utf8.UTFMax + 1]byte
}

// PrintKeypresses returns the task that echoes the keypresses of s, decoded
// with layout l (US if nil; Ctrl+letter gives control characters), to w.
// Spawn it:
//
//	s, err := ps2.Open() // the kernel's PS/2 driver, kernel/dev/ps2
//	...
//	executor.Spawn(keyboard.PrintKeypresses(s, keyboard.US, console))
func PrintKeypresses(s Scancodes, l *Layout, w io.Writer) *KeypressPrinter {
	p := &KeypressPrinter{s: s, dec: NewDecoder(l, CtrlMapsToControlChars), w: w}
	p.loop = task.ForEach[byte](s, p.key)
	return p
}

// Poll handles the scancodes that have arrived (ForEach over the stream),
// then reports drops; it completes when the stream has ended.
func (p *KeypressPrinter) Poll(cx *task.Context) (struct{}, bool) {
	_, done := p.loop.Poll(cx)
	p.reportDrops()
	return struct{}{}, done
}

// key decodes one scancode and echoes what it yields.
func (p *KeypressPrinter) key(b byte) {
	e, ok := p.dec.Feed(b)
	if leds, changed := p.dec.LEDs(); changed && p.OnLEDs != nil {
		p.OnLEDs(leds)
	}
	if !ok {
		return
	}
	r := e.Rune
	switch {
	case r == '\b':
		if p.col > 0 {
			p.writeString("\b \b")
			p.col--
		}
	case r == '\n':
		p.writeString("\n")
		p.col = 0
	case r == '\t':
		n := 8 - p.col%8
		p.writeString("        "[:n])
		p.col += n
	case r > 0 && r < 0x20:
		p.buf[0], p.buf[1] = '^', byte(r)+0x40
		p.write(p.buf[:2])
		p.col += 2
	case r != 0 && unicode.IsPrint(r):
		p.write(utf8.AppendRune(p.buf[:0], r))
		p.col++
	case r != 0:
		s := strconv.QuoteRune(r) // '\u2028' and the like
		p.writeString(s[1 : len(s)-1])
		p.col += len(s) - 2
	case !silent(e.Key):
		s := e.String() // "<ArrowUp>"
		p.writeString(s)
		p.col += len(s)
	}
}

// silent reports whether k is a modifier or lock key, which the printer
// does not echo.
func silent(k Key) bool {
	switch k {
	case LShift, RShift, LCtrl, RCtrl, LAlt, RAlt, LWin, RWin, CapsLock, NumLock, ScrollLock:
		return true
	}
	return false
}

// reportDrops writes the drop line if the drop counter grew and the last
// report is at least DropReportInterval old.
func (p *KeypressPrinter) reportDrops() {
	n := p.s.Dropped()
	if n == p.reported {
		return
	}
	now := p.now()
	if p.everReported && now.Sub(p.lastReport) < DropReportInterval {
		return
	}
	if p.col > 0 {
		p.writeString("\n")
		p.col = 0
	}
	p.writeString("keyboard: scancode queue full; dropped " + strconv.FormatUint(n, 10) + "\n")
	p.reported, p.lastReport, p.everReported = n, now, true
}

func (p *KeypressPrinter) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// write and writeString ignore errors: there is nobody to tell.
func (p *KeypressPrinter) write(b []byte)       { p.w.Write(b) }
func (p *KeypressPrinter) writeString(s string) { io.WriteString(p.w, s) }
