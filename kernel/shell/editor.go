package shell

import (
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"gokernel/keyboard"
)

// Limits of the line editor.
const (
	MaxLine      = 256 // runes in a line; more are refused with a bell
	HistorySize  = 32  // lines the history keeps
	DefaultWidth = 80  // terminal columns when LineEditor.Width is 0
)

// Control characters the editor takes as keys (Ctrl+letter, as both the
// scancode decoder and the ANSI decoder give them).
const (
	ctrlA = 0x01 // Home
	ctrlB = 0x02 // ArrowLeft
	ctrlC = 0x03 // abandon the line
	ctrlD = 0x04 // Delete
	ctrlE = 0x05 // End
	ctrlF = 0x06 // ArrowRight
	ctrlK = 0x0B // erase from the cursor to the end
	ctrlN = 0x0E // ArrowDown
	ctrlP = 0x10 // ArrowUp
	ctrlU = 0x15 // clear the line
	ctrlW = 0x17 // delete the word before the cursor
)

// Status is what LineEditor.Key says about the line after a key.
type Status uint8

const (
	Editing   Status = iota // the line is still being edited
	Entered                 // Enter: the line is complete
	Cancelled               // Ctrl+C: the line was abandoned
)

// LineEditor edits one line of input at a time, with a cursor and a
// history, and writes to a terminal what keeps the screen in step with
// the line. It is fed key events (keyboard.Event, from the PS/2 decoder or
// the serial ANSI decoder alike) through Key.
//
// # Keys
//
//	printable rune       insert at the cursor (refused with a bell once the line has MaxLine runes)
//	Backspace ('\b')     delete the rune before the cursor
//	Delete, Ctrl+D       delete the rune at the cursor
//	ArrowLeft, Ctrl+B    move left          ArrowRight, Ctrl+F  move right
//	Home, Ctrl+A         move to the start  End, Ctrl+E         move to the end
//	ArrowUp, Ctrl+P      the previous line of the history
//	ArrowDown, Ctrl+N    the next line of the history (after the last: the line being typed)
//	Ctrl+K               delete from the cursor to the end
//	Ctrl+W               delete the word before the cursor (and the spaces after it), as a Unix terminal does
//	Ctrl+U               clear the line
//	Enter ('\n')         complete the line (Key returns Entered)
//	Ctrl+C               abandon the line (Key returns Cancelled)
//
// A key that cannot act (Backspace at the start, ArrowUp at the oldest
// line, an insert into a full line) rings the bell. Other keys and
// control characters (Tab, Escape, function keys, modifiers) are ignored.
//
// The history keeps the last HistorySize lines entered, leaving out blank
// lines and a line equal to the one before it. Walking it with ArrowUp and
// ArrowDown recalls a copy of each line to edit; the line being typed when
// the walk began comes back after the newest one.
//
// # Output
//
// Everything is written to the terminal through a small vocabulary that
// all the kernel's consoles (the serial terminal, the VGA text screen, the
// framebuffer) understand:
//
//	printable text   one cell per rune, moving the cursor right
//	"\b"             cursor left one cell (the editor writes it only when
//	                 it rewrites or erases that cell next, so a console
//	                 whose backspace also erases renders the same)
//	"\r"             cursor to column 0 (only by Redraw)
//	"\n"             next line, column 0 (after Enter and Ctrl+C)
//	"\a"             bell
//	ESC [ n C        cursor right n cells (n >= 1)
//	ESC [ n D        cursor left n cells (n >= 1)
//	ESC [ K          erase from the cursor to the end of the line
//
// Each key's output is one Write. The editor keeps a model of the cells it
// has drawn after the prompt and, after each key, writes the difference:
// it moves to the first cell that changes, writes the line from there,
// erases what is left of the old one (ESC [ K) and moves back to the
// cursor. So typing at the end writes the rune alone; an insert in the
// middle writes the rune and the tail and moves back; Backspace at the end
// writes "\b" ESC[K.
//
// The line and its cursor stay on one row of the screen, never touching
// the last column, so nothing depends on how a console wraps: the prompt
// starts at column 0 (the caller's job), and a line too long for the
// Width shows a window of itself that scrolls sideways to keep the cursor
// in view. The editor counts one cell per rune: it refuses runes that take
// no cell or two (combining marks, East Asian wide characters), and
// assumes the consoles draw every other rune in one cell (the VGA screen
// with a placeholder where code page 437 has no glyph).
type LineEditor struct {
	// Prompt is written by Begin and Redraw before the line.
	Prompt string
	// Width is the terminal's width in columns; 0 means DefaultWidth.
	Width int

	w   io.Writer
	buf []rune // the line; at most MaxLine runes
	pos int    // cursor: index into buf
	off int    // first rune of buf on the screen (sideways scrolling)

	shown []rune // the runes drawn right of the prompt
	col   int    // the cursor's cell, counted from the end of the prompt

	hist  []string // oldest first
	hidx  int      // the history line shown; len(hist): the line being typed
	draft string   // the line being typed, while the history is walked

	out []byte // this key's output
}

// NewLineEditor returns an editor that writes to w and shows prompt before
// each line. Call Begin to start the first line.
func NewLineEditor(w io.Writer, prompt string) *LineEditor {
	return &LineEditor{
		Prompt: prompt,
		w:      w,
		buf:    make([]rune, 0, MaxLine),
		shown:  make([]rune, 0, DefaultWidth),
	}
}

// Begin starts a new, empty line and writes the prompt. The cursor must be
// at the start of a screen line (after a "\n").
func (e *LineEditor) Begin() {
	e.reset()
	e.hidx, e.draft = len(e.hist), ""
	e.out = append(e.out[:0], e.Prompt...)
	e.flush()
}

// Redraw draws the prompt and the line again on the screen line the cursor
// is on ("\r", the prompt, the visible part of the line, ESC[K) and puts
// the cursor back: for when something else has written over it. To keep
// other output, write it and a "\n" first.
func (e *LineEditor) Redraw() {
	e.shown = e.shown[:0]
	e.col = 0
	e.out = append(e.out[:0], '\r')
	e.out = append(e.out, e.Prompt...)
	e.out = append(e.out, "\x1b[K"...)
	e.render()
	e.flush()
}

// Line returns the line being edited.
func (e *LineEditor) Line() string { return string(e.buf) }

// Cursor returns the cursor's position in the line, in runes.
func (e *LineEditor) Cursor() int { return e.pos }

// History returns a copy of the history, oldest line first.
func (e *LineEditor) History() []string { return append([]string(nil), e.hist...) }

// Key applies one key event. It returns Editing while the line goes on,
// Entered with the line when Enter completes it (it is added to the
// history), and Cancelled with the abandoned line after Ctrl+C. After
// Entered and Cancelled the editor has written "\n" (Cancelled: "^C\n"),
// and the caller calls Begin for the next line.
func (e *LineEditor) Key(ev keyboard.Event) (line string, st Status) {
	e.out = e.out[:0]
	defer e.flush()
	if ev.Rune != 0 {
		switch r := ev.Rune; r {
		case '\n':
			return e.finish("\n", Entered)
		case ctrlC:
			return e.finish("^C\n", Cancelled)
		case '\b':
			e.backspace()
		case ctrlD:
			e.delete()
		case ctrlU:
			e.setLine(nil, 0)
		case ctrlW:
			e.deleteWord()
		case ctrlK:
			e.buf = e.buf[:e.pos]
		case ctrlA:
			e.pos = 0
		case ctrlE:
			e.pos = len(e.buf)
		case ctrlB:
			e.left()
		case ctrlF:
			e.right()
		case ctrlP:
			e.up()
		case ctrlN:
			e.down()
		default:
			if !oneCell(r) {
				return "", Editing // Tab, Escape, other controls: ignored
			}
			e.insert(r)
		}
	} else {
		switch ev.Key {
		case keyboard.Delete:
			e.delete()
		case keyboard.ArrowLeft:
			e.left()
		case keyboard.ArrowRight:
			e.right()
		case keyboard.Home:
			e.pos = 0
		case keyboard.End:
			e.pos = len(e.buf)
		case keyboard.ArrowUp:
			e.up()
		case keyboard.ArrowDown:
			e.down()
		default:
			return "", Editing
		}
	}
	e.render()
	return "", Editing
}

func (e *LineEditor) bell() { e.out = append(e.out, '\a') }

func (e *LineEditor) insert(r rune) {
	if len(e.buf) >= MaxLine {
		e.bell()
		return
	}
	e.buf = append(e.buf, 0)
	copy(e.buf[e.pos+1:], e.buf[e.pos:])
	e.buf[e.pos] = r
	e.pos++
}

func (e *LineEditor) backspace() {
	if e.pos == 0 {
		e.bell()
		return
	}
	e.buf = append(e.buf[:e.pos-1], e.buf[e.pos:]...)
	e.pos--
}

// deleteWord deletes back from the cursor over spaces, then over the
// word before them: the terminal's WERASE (POSIX termios VWERASE,
// readline's unix-word-rubout).
func (e *LineEditor) deleteWord() {
	if e.pos == 0 {
		e.bell()
		return
	}
	i := e.pos
	for i > 0 && unicode.IsSpace(e.buf[i-1]) {
		i--
	}
	for i > 0 && !unicode.IsSpace(e.buf[i-1]) {
		i--
	}
	e.buf = append(e.buf[:i], e.buf[e.pos:]...)
	e.pos = i
}

func (e *LineEditor) delete() {
	if e.pos == len(e.buf) {
		e.bell()
		return
	}
	e.buf = append(e.buf[:e.pos], e.buf[e.pos+1:]...)
}

func (e *LineEditor) left() {
	if e.pos == 0 {
		e.bell()
		return
	}
	e.pos--
}

func (e *LineEditor) right() {
	if e.pos == len(e.buf) {
		e.bell()
		return
	}
	e.pos++
}

// up recalls the previous history line, keeping the line being typed when
// the walk starts.
func (e *LineEditor) up() {
	if e.hidx == 0 {
		e.bell()
		return
	}
	if e.hidx == len(e.hist) {
		e.draft = string(e.buf)
	}
	e.hidx--
	e.setString(e.hist[e.hidx])
}

// down recalls the next history line, or after the newest the line that
// was being typed.
func (e *LineEditor) down() {
	if e.hidx >= len(e.hist) {
		e.bell()
		return
	}
	e.hidx++
	if e.hidx == len(e.hist) {
		e.setString(e.draft)
		e.draft = ""
		return
	}
	e.setString(e.hist[e.hidx])
}

// setString replaces the line with s (cut at MaxLine runes), cursor at
// the end.
func (e *LineEditor) setString(s string) {
	e.buf = e.buf[:0]
	for _, r := range s {
		if len(e.buf) == MaxLine {
			break
		}
		e.buf = append(e.buf, r)
	}
	e.pos = len(e.buf)
}

// setLine replaces the line with rs, cursor at pos.
func (e *LineEditor) setLine(rs []rune, pos int) {
	e.buf = append(e.buf[:0], rs...)
	e.pos = pos
}

// finish ends the line: the cursor goes to the end of what is drawn, tail
// is written, the line goes to the history (if entered), and the editor is
// reset for the next Begin.
func (e *LineEditor) finish(tail string, st Status) (string, Status) {
	line := string(e.buf)
	e.moveTo(len(e.shown), false)
	e.out = append(e.out, tail...)
	if st == Entered {
		e.remember(line)
	}
	e.reset()
	e.hidx, e.draft = len(e.hist), ""
	return line, st
}

// remember adds line to the history unless it is blank or repeats the
// newest line.
func (e *LineEditor) remember(line string) {
	if strings.TrimSpace(line) == "" {
		return
	}
	if n := len(e.hist); n > 0 && e.hist[n-1] == line {
		return
	}
	if len(e.hist) == HistorySize {
		copy(e.hist, e.hist[1:])
		e.hist = e.hist[:HistorySize-1]
	}
	e.hist = append(e.hist, line)
}

func (e *LineEditor) reset() {
	e.buf = e.buf[:0]
	e.pos, e.off = 0, 0
	e.shown = e.shown[:0]
	e.col = 0
}

// avail is the number of cells right of the prompt that the line may use:
// the width less the prompt and the last column.
func (e *LineEditor) avail() int {
	w := e.Width
	if w <= 0 {
		w = DefaultWidth
	}
	return max(w-1-utf8.RuneCountInString(e.Prompt), 1)
}

// render brings the screen in step with the line: it scrolls the window
// to keep the cursor in view, then writes the difference between what is
// drawn and the window, and places the cursor.
func (e *LineEditor) render() {
	avail := e.avail()
	switch {
	case e.pos < e.off:
		e.off = max(e.pos-avail/2, 0)
	case e.pos > e.off+avail:
		e.off = e.pos - avail/2
	}
	// Fill the window when the line's end has come into it.
	e.off = min(e.off, max(len(e.buf)-avail, 0))
	vis := e.buf[e.off:min(len(e.buf), e.off+avail)]

	i := 0
	for i < len(vis) && i < len(e.shown) && vis[i] == e.shown[i] {
		i++
	}
	if i < len(vis) || len(vis) < len(e.shown) {
		e.moveTo(i, true)
		for _, r := range vis[i:] {
			e.out = utf8.AppendRune(e.out, r)
		}
		e.col = len(vis)
		if len(vis) < len(e.shown) {
			e.out = append(e.out, "\x1b[K"...)
		}
		e.shown = append(e.shown[:0], vis...)
	}
	e.moveTo(e.pos-e.off, false)
}

// moveTo moves the cursor to cell c right of the prompt. rewrite says the
// cells crossed moving left are rewritten or erased right after, so "\b"
// may be used (for up to 3 cells: shorter than ESC[nD).
func (e *LineEditor) moveTo(c int, rewrite bool) {
	switch n := e.col - c; {
	case n > 0 && n <= 3 && rewrite:
		e.out = append(e.out, "\b\b\b"[:n]...)
	case n > 0:
		e.csi(n, 'D')
	case n < 0:
		e.csi(-n, 'C')
	}
	e.col = c
}

func (e *LineEditor) csi(n int, final byte) {
	e.out = append(e.out, "\x1b["...)
	e.out = strconv.AppendInt(e.out, int64(n), 10)
	e.out = append(e.out, final)
}

func (e *LineEditor) flush() {
	if len(e.out) > 0 {
		e.w.Write(e.out) // errors: nobody to tell
	}
	e.out = e.out[:0]
}

// oneCell reports whether r is a printable rune that a terminal draws in
// exactly one cell: not a control, not a combining mark (no cell), not an
// East Asian wide or fullwidth character (two cells).
func oneCell(r rune) bool {
	if !unicode.IsPrint(r) || unicode.In(r, unicode.Mn, unicode.Me) {
		return false
	}
	return !wide(r)
}

// wide reports whether r is East Asian Wide or Fullwidth (approximately:
// the large blocks of Unicode's EastAsianWidth.txt).
func wide(r rune) bool {
	switch {
	case r < 0x1100:
		return false
	case r <= 0x115F, // Hangul Jamo initial consonants
		r >= 0x2E80 && r <= 0x303E, // CJK radicals, Kangxi, CJK symbols and punctuation
		r >= 0x3041 && r <= 0x33FF, // Hiragana, Katakana, Bopomofo, Hangul compatibility, CJK compatibility
		r >= 0x3400 && r <= 0x4DBF, // CJK extension A
		r >= 0x4E00 && r <= 0x9FFF, // CJK unified ideographs
		r >= 0xA000 && r <= 0xA4CF, // Yi
		r >= 0xA960 && r <= 0xA97F, // Hangul Jamo extended A
		r >= 0xAC00 && r <= 0xD7A3, // Hangul syllables
		r >= 0xF900 && r <= 0xFAFF, // CJK compatibility ideographs
		r >= 0xFE10 && r <= 0xFE19, // vertical forms
		r >= 0xFE30 && r <= 0xFE6F, // CJK compatibility forms, small forms
		r >= 0xFF00 && r <= 0xFF60, // fullwidth forms
		r >= 0xFFE0 && r <= 0xFFE6,
		r >= 0x1F300 && r <= 0x1F64F, // pictographs, emoticons
		r >= 0x1F900 && r <= 0x1F9FF, // supplemental symbols and pictographs
		r >= 0x20000 && r <= 0x3FFFD: // CJK extensions B and later
		return true
	}
	return false
}
