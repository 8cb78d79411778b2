package shell

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gokernel/keyboard"
)

// Keys, as the decoders give them.
var (
	kLeft   = keyboard.Event{Key: keyboard.ArrowLeft}
	kRight  = keyboard.Event{Key: keyboard.ArrowRight}
	kUp     = keyboard.Event{Key: keyboard.ArrowUp}
	kDown   = keyboard.Event{Key: keyboard.ArrowDown}
	kHome   = keyboard.Event{Key: keyboard.Home}
	kEnd    = keyboard.Event{Key: keyboard.End}
	kDel    = keyboard.Event{Key: keyboard.Delete}
	kF1     = keyboard.Event{Key: keyboard.F1}
	kShift  = keyboard.Event{Key: keyboard.LShift}
	kBS     = keyboard.Event{Rune: '\b'}
	kEnter  = keyboard.Event{Rune: '\n'}
	kTab    = keyboard.Event{Rune: '\t'}
	kEsc    = keyboard.Event{Rune: 0x1B}
	kCtrlA  = keyboard.Event{Rune: ctrlA}
	kCtrlB  = keyboard.Event{Rune: ctrlB}
	kCtrlC  = keyboard.Event{Rune: ctrlC}
	kCtrlD  = keyboard.Event{Rune: ctrlD}
	kCtrlE  = keyboard.Event{Rune: ctrlE}
	kCtrlF  = keyboard.Event{Rune: ctrlF}
	kCtrlK  = keyboard.Event{Rune: ctrlK}
	kCtrlN  = keyboard.Event{Rune: ctrlN}
	kCtrlP  = keyboard.Event{Rune: ctrlP}
	kCtrlU  = keyboard.Event{Rune: ctrlU}
	kCtrlW  = keyboard.Event{Rune: ctrlW}
	kCtrlX  = keyboard.Event{Rune: 0x18}
	kAccent = keyboard.Event{Rune: '\u0301'} // combining acute: no cell
	kWide   = keyboard.Event{Rune: '世'}      // two cells
)

// keys turns strings (typed rune by rune) and events into events.
func keys(xs ...any) []keyboard.Event {
	var out []keyboard.Event
	for _, x := range xs {
		switch x := x.(type) {
		case string:
			for _, r := range x {
				out = append(out, keyboard.Event{Rune: r})
			}
		case keyboard.Event:
			out = append(out, x)
		case []keyboard.Event:
			out = append(out, x...)
		default:
			panic(fmt.Sprintf("keys: %T", x))
		}
	}
	return out
}

// withCursor shows line with "|" at rune index pos.
func withCursor(line string, pos int) string {
	r := []rune(line)
	return string(r[:pos]) + "|" + string(r[pos:])
}

// tee records each write separately and passes it on.
type tee struct {
	w    io.Writer
	last bytes.Buffer
	n    int // writes
}

func (t *tee) Write(p []byte) (int, error) {
	t.last.Reset()
	t.last.Write(p)
	t.n++
	return t.w.Write(p)
}

// editorOn returns an editor writing to a new screen through a tee, with
// the prompt drawn.
func editorOn(t *testing.T, width int, erasingBS bool) (*LineEditor, *screen, *tee) {
	scr := newScreen(t, width)
	scr.erasingBS = erasingBS
	out := &tee{w: scr}
	ed := NewLineEditor(out, Prompt)
	ed.Width = width
	ed.Begin()
	return ed, scr, out
}

// checkScreen checks that the screen shows the editor's line: the cursor's
// row holds the prompt and a window of the line that contains the cursor
// (the whole line, when it fits), the cursor is on it, the last column is
// untouched, and "\b" never went left of the first column.
func checkScreen(t *testing.T, ed *LineEditor, scr *screen, after string) {
	t.Helper()
	line := []rune(ed.Line())
	pos := ed.Cursor()
	avail := scr.width - 1 - len([]rune(ed.Prompt))
	off := ed.off
	if off < 0 || off > pos || pos > off+avail || len(line) <= avail && off != 0 {
		t.Fatalf("after %s: bad window: offset %d, cursor %d, length %d, room %d", after, off, pos, len(line), avail)
	}
	window := line[off:min(len(line), off+avail)]
	if len(window) < avail && off > 0 && off+len(window) == len(line) && len(line) >= avail {
		t.Fatalf("after %s: window %q does not fill the room (%d)", after, string(window), avail)
	}
	// A blank cell and a space look the same: trailing ones are trimmed.
	want := strings.TrimRight(ed.Prompt+withCursor(string(window), pos-off), " ")
	if got := scr.cursorLine(); got != want {
		t.Fatalf("after %s: screen %q, want %q (line %q)", after, got, want, withCursor(string(line), pos))
	}
	if scr.lastCol != 0 || scr.bsAtZero != 0 {
		t.Fatalf("after %s: %d writes into the last column, %d backspaces in the first", after, scr.lastCol, scr.bsAtZero)
	}
}

// step is a few keys and what they make: the line with "|" at the cursor,
// the bells rung, and for a single key, if out is not empty, the exact
// output.
type step struct {
	keys  []keyboard.Event
	line  string
	bells int
	out   string
}

func TestLineEditorKeys(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
	}{
		{"type", []step{
			{keys("ab"), "ab|", 0, ""},
			{keys("c"), "abc|", 0, "c"},
		}},
		{"insert in the middle", []step{
			{keys("abc", kLeft, kLeft), "a|bc", 0, ""},
			{keys("x"), "ax|bc", 0, "xbc\x1b[2D"},
			{keys("yz"), "axyz|bc", 0, ""},
			{keys(kHome, "0"), "0|axyzbc", 0, ""},
		}},
		{"backspace at the end", []step{
			{keys("abc"), "abc|", 0, ""},
			{keys(kBS), "ab|", 0, "\b\x1b[K"},
			{keys(kBS, kBS), "|", 0, ""},
			{keys(kBS), "|", 1, "\a"},
		}},
		{"backspace in the middle", []step{
			{keys("abcd", kLeft, kLeft), "ab|cd", 0, ""},
			{keys(kBS), "a|cd", 0, "\bcd\x1b[K\x1b[2D"},
			{keys(kBS), "|cd", 0, ""},
			{keys(kBS), "|cd", 1, "\a"},
		}},
		{"delete", []step{
			{keys("abc", kHome), "|abc", 0, ""},
			{keys(kDel), "|bc", 0, "bc\x1b[K\x1b[2D"},
			{keys(kRight, kDel), "b|", 0, ""},
			{keys(kDel), "b|", 1, "\a"},
			{keys(kCtrlA, kCtrlD), "|", 0, ""},
		}},
		{"left and right", []step{
			{keys("abc"), "abc|", 0, ""},
			{keys(kLeft), "ab|c", 0, "\x1b[1D"},
			{keys(kRight), "abc|", 0, "\x1b[1C"},
			{keys(kRight), "abc|", 1, "\a"},
			{keys(kLeft, kLeft, kLeft), "|abc", 0, ""},
			{keys(kLeft), "|abc", 1, "\a"},
			{keys(kCtrlF, kCtrlF), "ab|c", 0, ""},
			{keys(kCtrlB), "a|bc", 0, ""},
		}},
		{"home and end", []step{
			{keys("abc"), "abc|", 0, ""},
			{keys(kHome), "|abc", 0, "\x1b[3D"},
			{keys(kEnd), "abc|", 0, "\x1b[3C"},
			{keys(kCtrlA), "|abc", 0, ""},
			{keys(kCtrlE), "abc|", 0, ""},
			{keys(kEnd), "abc|", 0, ""},
		}},
		{"clear", []step{
			{keys("abc", kLeft), "ab|c", 0, ""},
			{keys(kCtrlU), "|", 0, "\b\b\x1b[K"},
			{keys(kCtrlU), "|", 0, ""},
			{keys("xy"), "xy|", 0, ""},
		}},
		{"delete a word", []step{
			{keys("echo foo  bar"), "echo foo  bar|", 0, ""},
			{keys(kCtrlW), "echo foo  |", 0, "\b\b\b\x1b[K"},
			{keys(kCtrlW), "echo |", 0, ""},
			{keys("x", kLeft), "echo |x", 0, ""},
			{keys(kCtrlW), "|x", 0, ""},
			{keys(kCtrlW), "|x", 1, "\a"},
		}},
		{"erase to the end", []step{
			{keys("abcdef", kLeft, kLeft, kLeft), "abc|def", 0, ""},
			{keys(kCtrlK), "abc|", 0, "\x1b[K"},
		}},
		{"ignored keys", []step{
			{keys("ab", kLeft), "a|b", 0, ""},
			{keys(kTab), "a|b", 0, ""},
			{keys(kEsc), "a|b", 0, ""},
			{keys(kF1), "a|b", 0, ""},
			{keys(kShift), "a|b", 0, ""},
			{keys(kCtrlX), "a|b", 0, ""},
			{keys(kAccent), "a|b", 0, ""},
			{keys(kWide), "a|b", 0, ""},
			{keys(keyboard.Event{Rune: 0x85}), "a|b", 0, ""},
		}},
		{"unicode", []step{
			{keys("é€ß", kLeft), "é€|ß", 0, ""},
			{keys("ü"), "é€ü|ß", 0, "üß\x1b[1D"},
			{keys(kBS, kBS), "é|ß", 0, ""},
		}},
	}
	for _, erasing := range []bool{false, true} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/erasingBS=%v", tt.name, erasing), func(t *testing.T) {
				ed, scr, out := editorOn(t, 80, erasing)
				checkScreen(t, ed, scr, "Begin")
				for i, st := range tt.steps {
					bells := scr.bells
					for j, ev := range st.keys {
						n := out.n
						if line, status := ed.Key(ev); status != Editing || line != "" {
							t.Fatalf("step %d: Key(%v) = %q, %v", i, ev, line, status)
						}
						if out.n > n+1 {
							t.Fatalf("step %d: Key(%v) wrote %d times", i, ev, out.n-n)
						}
						checkScreen(t, ed, scr, fmt.Sprintf("step %d key %d (%v)", i, j, ev))
					}
					if got := withCursor(ed.Line(), ed.Cursor()); got != st.line {
						t.Errorf("step %d: line %q, want %q", i, got, st.line)
					}
					if got := scr.bells - bells; got != st.bells {
						t.Errorf("step %d: %d bells, want %d", i, got, st.bells)
					}
					if st.out != "" && out.last.String() != st.out {
						t.Errorf("step %d: wrote %q, want %q", i, out.last.String(), st.out)
					}
				}
			})
		}
	}
}

func TestLineEditorEnter(t *testing.T) {
	ed, scr, _ := editorOn(t, 80, false)
	for _, ev := range keys("ls -l", kLeft, kLeft) {
		ed.Key(ev)
	}
	line, st := ed.Key(kEnter)
	if line != "ls -l" || st != Entered {
		t.Fatalf("Enter: %q, %v", line, st)
	}
	if scr.row != 1 || scr.col != 0 || scr.line(0) != "> ls -l" {
		t.Fatalf("after Enter: row %d col %d, screen %q", scr.row, scr.col, scr.text())
	}
	if ed.Line() != "" || ed.Cursor() != 0 {
		t.Errorf("after Enter: line %q cursor %d", ed.Line(), ed.Cursor())
	}
	ed.Begin()
	checkScreen(t, ed, scr, "Begin")
	if got := ed.History(); !slices.Equal(got, []string{"ls -l"}) {
		t.Errorf("history %q", got)
	}
	// An empty line is entered too, and not remembered.
	if line, st := ed.Key(kEnter); line != "" || st != Entered {
		t.Errorf("empty Enter: %q, %v", line, st)
	}
	if scr.text() != "> ls -l\n>\n" {
		t.Errorf("screen %q", scr.text())
	}
}

func TestLineEditorCtrlC(t *testing.T) {
	ed, scr, _ := editorOn(t, 80, false)
	for _, ev := range keys("abc", kLeft, kLeft) {
		ed.Key(ev)
	}
	line, st := ed.Key(kCtrlC)
	if line != "abc" || st != Cancelled {
		t.Fatalf("Ctrl+C: %q, %v", line, st)
	}
	if scr.text() != "> abc^C\n" || scr.row != 1 || scr.col != 0 {
		t.Fatalf("after Ctrl+C: row %d col %d, screen %q", scr.row, scr.col, scr.text())
	}
	if len(ed.History()) != 0 {
		t.Errorf("history %q", ed.History())
	}
	ed.Begin()
	checkScreen(t, ed, scr, "Begin")
}

// enter types line and Enter.
func enter(ed *LineEditor, line string) {
	for _, ev := range keys(line, kEnter) {
		ed.Key(ev)
	}
	ed.Begin()
}

func TestLineEditorHistory(t *testing.T) {
	ed, scr, out := editorOn(t, 80, false)
	for _, l := range []string{"one", "two", "two", "   ", "", "three"} {
		enter(ed, l)
	}
	if got, want := ed.History(), []string{"one", "two", "three"}; !slices.Equal(got, want) {
		t.Fatalf("history %q, want %q (no blanks, no repeats)", got, want)
	}
	walk := []step{
		{keys("dra", kLeft), "dr|a", 0, ""},
		{keys(kUp), "three|", 0, "\b\bthree"},
		{keys(kUp), "two|", 0, "\x1b[4Dwo\x1b[K"}, // the common prefix stays
		{keys(kCtrlP), "one|", 0, "\b\b\bone"},
		{keys(kUp), "one|", 1, "\a"},
		{keys(kDown), "two|", 0, ""},
		{keys(kCtrlN), "three|", 0, ""},
		{keys(kDown), "dra|", 0, ""}, // the line being typed is back
		{keys(kDown), "dra|", 1, "\a"},
		{keys(kUp, kBS, kBS, kBS, "ee"), "thee|", 0, ""}, // edit a recalled line
		{keys(kDown, "ft"), "draft|", 0, ""},
		{keys(kUp, kUp), "two|", 0, ""}, // the recalled line was a copy
	}
	for i, st := range walk {
		bells := scr.bells
		for _, ev := range st.keys {
			ed.Key(ev)
			checkScreen(t, ed, scr, fmt.Sprintf("history step %d (%v)", i, ev))
		}
		if got := withCursor(ed.Line(), ed.Cursor()); got != st.line {
			t.Errorf("step %d: line %q, want %q", i, got, st.line)
		}
		if got := scr.bells - bells; got != st.bells {
			t.Errorf("step %d: %d bells, want %d", i, got, st.bells)
		}
		if st.out != "" && out.last.String() != st.out {
			t.Errorf("step %d: wrote %q, want %q", i, out.last.String(), st.out)
		}
	}
	if line, st := ed.Key(kEnter); line != "two" || st != Entered {
		t.Fatalf("Enter: %q, %v", line, st)
	}
	ed.Begin()
	if got, want := ed.History(), []string{"one", "two", "three", "two"}; !slices.Equal(got, want) {
		t.Errorf("history %q, want %q", got, want)
	}
	// Ctrl+C forgets a walk: the next Up starts from the newest line.
	ed.Key(kUp)
	ed.Key(kUp)
	ed.Key(kCtrlC)
	ed.Begin()
	ed.Key(kUp)
	if ed.Line() != "two" {
		t.Errorf("after Ctrl+C, Up gives %q", ed.Line())
	}
}

func TestLineEditorHistoryLimit(t *testing.T) {
	ed, _, _ := editorOn(t, 80, false)
	for i := range HistorySize + 8 {
		enter(ed, fmt.Sprint("line ", i))
	}
	h := ed.History()
	if len(h) != HistorySize || h[0] != "line 8" || h[HistorySize-1] != fmt.Sprint("line ", HistorySize+7) {
		t.Fatalf("history of %d: %q ... %q", len(h), h[0], h[len(h)-1])
	}
	for range HistorySize {
		ed.Key(kUp)
	}
	if ed.Line() != "line 8" {
		t.Errorf("oldest: %q", ed.Line())
	}
}

func TestLineEditorOverlong(t *testing.T) {
	for _, width := range []int{80, 300} {
		ed, scr, out := editorOn(t, width, false)
		for i := range MaxLine {
			ed.Key(keyboard.Event{Rune: rune('a' + i%26)})
			checkScreen(t, ed, scr, fmt.Sprint("rune ", i))
		}
		full := ed.Line()
		if len(full) != MaxLine || scr.bells != 0 {
			t.Fatalf("width %d: %d runes, %d bells", width, len(full), scr.bells)
		}
		ed.Key(keyboard.Event{Rune: 'x'})
		if ed.Line() != full || scr.bells != 1 || out.last.String() != "\a" {
			t.Errorf("width %d: the rune past MaxLine: line changed %v, %d bells, wrote %q", width, ed.Line() != full, scr.bells, out.last.String())
		}
		ed.Key(kHome)
		ed.Key(keyboard.Event{Rune: 'x'})
		if ed.Line() != full || scr.bells != 2 {
			t.Errorf("width %d: insert at the start of a full line: changed %v, %d bells", width, ed.Line() != full, scr.bells)
		}
		checkScreen(t, ed, scr, "the refused runes")
		ed.Key(kDel)
		ed.Key(keyboard.Event{Rune: 'x'})
		if l := ed.Line(); l != "x"+full[1:] {
			t.Errorf("width %d: after Delete, insert: %q", width, l[:10])
		}
		if line, _ := ed.Key(kEnter); len([]rune(line)) != MaxLine {
			t.Errorf("width %d: entered %d runes", width, len(line))
		}
	}
}

// TestLineEditorScroll edits a line longer than a narrow screen: the
// window scrolls sideways and never touches the last column.
func TestLineEditorScroll(t *testing.T) {
	for _, erasing := range []bool{false, true} {
		ed, scr, _ := editorOn(t, 20, erasing) // 17 cells for the line
		do := func(evs ...keyboard.Event) {
			t.Helper()
			for _, ev := range evs {
				ed.Key(ev)
				checkScreen(t, ed, scr, fmt.Sprint(ev))
			}
		}
		do(keys("the quick brown fox jumps over the lazy dog")...)
		if ed.off == 0 {
			t.Fatal("no scrolling")
		}
		do(kHome)
		if ed.off != 0 || scr.cursorLine() != "> |the quick brown f" {
			t.Errorf("Home: %q", scr.cursorLine())
		}
		for range 30 {
			do(kRight)
		}
		do(kEnd, kBS, kBS, kBS, kHome, kDel, kDel)
		do(kEnd)
		for range 43 {
			do(kLeft)
		}
		for range 20 {
			do(kBS)
		}
		do(kCtrlU)
		if scr.cursorLine() != "> |" {
			t.Errorf("Ctrl+U: %q", scr.cursorLine())
		}
		do(keys(strings.Repeat("0123456789", 5))...)
		ed.Key(kEnter)
		ed.Begin()
		do(kUp, kHome, kEnd, kDown)
	}
}

// TestLineEditorRandom applies random keys and checks the line against a
// simple model of the editing keys, and the screen, after each key.
func TestLineEditorRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pool := []keyboard.Event{kLeft, kRight, kHome, kEnd, kDel, kBS, kCtrlK, kCtrlU, kCtrlD, kCtrlA, kCtrlE,
		kTab, kF1, {Rune: 'a'}, {Rune: 'b'}, {Rune: 'é'}, {Rune: ' '}, {Rune: '€'}}
	for _, width := range []int{12, 20, 80} {
		for _, erasing := range []bool{false, true} {
			ed, scr, _ := editorOn(t, width, erasing)
			var model []rune
			pos := 0
			for i := range 5000 {
				ev := pool[rng.IntN(len(pool))]
				if rng.IntN(4) == 0 {
					ev = keyboard.Event{Rune: rune('A' + rng.IntN(26))} // grow the line
				}
				switch {
				case ev == kLeft:
					pos = max(pos-1, 0)
				case ev == kRight:
					pos = min(pos+1, len(model))
				case ev == kHome || ev == kCtrlA:
					pos = 0
				case ev == kEnd || ev == kCtrlE:
					pos = len(model)
				case ev == kDel || ev == kCtrlD:
					if pos < len(model) {
						model = slices.Delete(model, pos, pos+1)
					}
				case ev == kBS:
					if pos > 0 {
						model = slices.Delete(model, pos-1, pos)
						pos--
					}
				case ev == kCtrlK:
					model = model[:pos]
				case ev == kCtrlU:
					model, pos = nil, 0
				case ev.Rune >= ' ':
					if len(model) < MaxLine {
						model = slices.Insert(model, pos, ev.Rune)
						pos++
					}
				}
				ed.Key(ev)
				if ed.Line() != string(model) || ed.Cursor() != pos {
					t.Fatalf("width %d, key %d (%v): line %q, want %q", width, i, ev,
						withCursor(ed.Line(), ed.Cursor()), withCursor(string(model), pos))
				}
				checkScreen(t, ed, scr, fmt.Sprintf("width %d, key %d (%v)", width, i, ev))
			}
		}
	}
}

func TestLineEditorRedraw(t *testing.T) {
	ed, scr, _ := editorOn(t, 80, false)
	for _, ev := range keys("hello", kLeft, kLeft) {
		ed.Key(ev)
	}
	io.WriteString(scr, "\rsomething else wrote this line")
	ed.Redraw()
	checkScreen(t, ed, scr, "Redraw")
	if scr.cursorLine() != "> hel|lo" {
		t.Errorf("Redraw: %q", scr.cursorLine())
	}
	ed.Key(keyboard.Event{Rune: 'X'})
	checkScreen(t, ed, scr, "a key after Redraw")
}

// TestLineEditorAllocs: editing keys allocate nothing once the buffers
// have grown.
func TestLineEditorAllocs(t *testing.T) {
	ed := NewLineEditor(io.Discard, Prompt)
	ed.Begin()
	seq := keys("hello world", kLeft, kLeft, "x", kBS, kHome, kDel, kEnd, kCtrlU)
	allocs := testing.AllocsPerRun(100, func() {
		for _, ev := range seq {
			ed.Key(ev)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per %d keys", allocs, len(seq))
	}
}
