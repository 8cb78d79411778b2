package shell

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// screen is a tiny terminal that interprets exactly the shell's output
// vocabulary (see LineEditor) and fails the test on anything else:
// printable text (one cell per rune), "\b", "\r", "\n", "\a", ESC[nC,
// ESC[nD and ESC[K. It has a fixed width and as many rows as are written;
// text written past the last column wraps to the next row, as on both a
// VT100 (deferred wrap) and the VGA screen.
//
// Two quirks of real consoles can be switched on, to check that the
// editor's output does not depend on them: erasingBS makes "\b" also erase
// the cell it moves onto, as the kernel's first VGA console did.
type screen struct {
	t         testing.TB
	width     int
	erasingBS bool

	rows     [][]rune
	row, col int
	bells    int
	lastCol  int // printable runes written into the last column
	bsAtZero int // "\b" in the first column (a VT100 stays, the VGA screen goes up a row)
	pending  []byte
}

func newScreen(t testing.TB, width int) *screen {
	return &screen{t: t, width: width, rows: [][]rune{nil}}
}

func (s *screen) Write(p []byte) (int, error) {
	s.pending = append(s.pending, p...)
	for len(s.pending) > 0 {
		n := s.step(s.pending)
		if n == 0 {
			break // an incomplete sequence: wait for more
		}
		s.pending = s.pending[n:]
	}
	return len(p), nil
}

// step interprets one rune, control character or escape sequence at the
// start of p and returns its length, or 0 if p holds only part of one.
func (s *screen) step(p []byte) int {
	switch c := p[0]; c {
	case '\b':
		if s.col == 0 {
			s.bsAtZero++
			return 1
		}
		s.col = min(s.col, s.width-1) - 1
		if s.erasingBS {
			s.set(' ')
		}
		return 1
	case '\r':
		s.col = 0
		return 1
	case '\n':
		s.newline()
		return 1
	case '\a':
		s.bells++
		return 1
	case 0x1B:
		return s.escape(p)
	}
	if !utf8.FullRune(p) {
		return 0
	}
	r, n := utf8.DecodeRune(p)
	if r == utf8.RuneError && n == 1 || r < 0x20 || r == 0x7F || r >= 0x80 && r < 0xA0 {
		s.t.Errorf("screen: %q is outside the vocabulary", p[:n])
		return n
	}
	if s.col >= s.width {
		s.newline()
	}
	if s.col == s.width-1 {
		s.lastCol++
	}
	s.set(r)
	s.col++
	return n
}

func (s *screen) escape(p []byte) int {
	if len(p) < 2 {
		return 0
	}
	if p[1] != '[' {
		s.t.Errorf("screen: escape %q is outside the vocabulary", p[:2])
		return 2
	}
	i := 2
	for i < len(p) && p[i] >= '0' && p[i] <= '9' {
		i++
	}
	if i == len(p) {
		return 0
	}
	digits, final := string(p[2:i]), p[i]
	n, err := strconv.Atoi(digits)
	col := min(s.col, s.width-1)
	switch {
	case final == 'K' && digits == "":
		line := s.rows[s.row]
		if col < len(line) {
			s.rows[s.row] = line[:col]
		}
	case (final == 'C' || final == 'D') && err == nil && n >= 1:
		if final == 'C' {
			s.col = min(col+n, s.width-1)
		} else {
			s.col = max(col-n, 0)
		}
	default:
		s.t.Errorf("screen: sequence %q is outside the vocabulary", p[:i+1])
	}
	return i + 1
}

func (s *screen) newline() {
	s.row++
	s.col = 0
	if s.row == len(s.rows) {
		s.rows = append(s.rows, nil)
	}
}

// set puts r in the cell under the cursor.
func (s *screen) set(r rune) {
	line := s.rows[s.row]
	for len(line) <= s.col {
		line = append(line, ' ')
	}
	line[s.col] = r
	s.rows[s.row] = line
}

// line returns row i without trailing blanks.
func (s *screen) line(i int) string {
	return strings.TrimRight(string(s.rows[i]), " ")
}

// cursorLine returns the cursor's row with "|" inserted at the cursor
// (blanks are kept up to the cursor).
func (s *screen) cursorLine() string {
	l := []rune(s.line(s.row))
	for len(l) < s.col {
		l = append(l, ' ')
	}
	return string(l[:s.col]) + "|" + string(l[s.col:])
}

// text returns all rows, trailing blanks trimmed, joined with newlines.
func (s *screen) text() string {
	lines := make([]string, len(s.rows))
	for i := range s.rows {
		lines[i] = s.line(i)
	}
	return strings.Join(lines, "\n")
}
