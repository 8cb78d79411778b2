package vm

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Line is one line of serial output.
type Line struct {
	Text string        // without ANSI escapes, \r and other control characters
	At   time.Duration // when its newline arrived, since QEMU was started
}

func (l Line) String() string { return fmt.Sprintf("[%8.3fs] %s", l.At.Seconds(), l.Text) }

// maxLog bounds the memory of a guest that prints in a loop until the
// timeout; far beyond what any test's output should be.
const maxLog = 64 << 20

// tailLines is how many serial lines failure reports show.
const tailLines = 60

// serialLog is guarded by VM.mu.
type serialLog struct {
	raw       []byte
	lines     []Line
	partial   []byte        // raw bytes of the unfinished last line
	partialAt time.Duration // arrival of partial's latest bytes
	truncated bool
	changed   chan struct{} // closed and replaced on every change
}

func (s *serialLog) init() { s.changed = make(chan struct{}) }

func (s *serialLog) broadcast() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *serialLog) write(p []byte, at time.Duration) {
	if s.truncated {
		return
	}
	if len(s.raw)+len(p) > maxLog {
		s.truncated = true
		s.flush()
		s.lines = append(s.lines, Line{Text: fmt.Sprintf("vm: serial log truncated at %d MiB", maxLog>>20), At: at})
		s.broadcast()
		return
	}
	s.raw = append(s.raw, p...)
	for {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			s.partial = append(s.partial, p...)
			break
		}
		s.partial = append(s.partial, p[:i]...)
		s.lines = append(s.lines, Line{Text: StripANSI(string(s.partial)), At: at})
		s.partial = s.partial[:0]
		p = p[i+1:]
	}
	s.partialAt = at
	s.broadcast()
}

// flush ends the unfinished line, once no more output can come.
func (s *serialLog) flush() {
	if len(s.partial) > 0 {
		s.lines = append(s.lines, Line{Text: StripANSI(string(s.partial)), At: s.partialAt})
		s.partial = nil
	}
}

func (s *serialLog) snapshot() []Line {
	l := append([]Line(nil), s.lines...)
	if len(s.partial) > 0 {
		l = append(l, Line{Text: StripANSI(string(s.partial)), At: s.partialAt})
	}
	return l
}

// StripANSI removes ANSI escape sequences (CSI, OSC and two-byte ESC
// sequences), carriage returns and other control characters except tab
// and newline. A backspace erases the character before it, because
// firmware draws spinners with "x\b \b".
func StripANSI(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == 0x1b:
			i = skipEscape(s, i)
		case c == '\b':
			if len(b) > 0 {
				_, n := utf8.DecodeLastRune(b)
				b = b[:len(b)-n]
			}
		case c == '\t' || c == '\n' || c >= 0x20 && c != 0x7f:
			b = append(b, c)
		}
	}
	return string(b)
}

// skipEscape returns the index of the last byte of the escape sequence
// starting at s[i] == ESC.
func skipEscape(s string, i int) int {
	if i+1 >= len(s) {
		return i
	}
	switch s[i+1] {
	case '[': // CSI: parameters, intermediates, one final byte
		j := i + 2
		for j < len(s) && s[j] >= 0x20 && s[j] <= 0x3f {
			j++
		}
		if j < len(s) && s[j] >= 0x40 && s[j] <= 0x7e {
			return j
		}
		return j - 1
	case ']': // OSC: up to BEL or ESC '\'
		for j := i + 2; j < len(s); j++ {
			if s[j] == 0x07 {
				return j
			}
			if s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\' {
				return j + 1
			}
		}
		return len(s) - 1
	}
	// ESC, any intermediates (e.g. the '(' of a charset selection), final.
	j := i + 1
	for j < len(s)-1 && s[j] >= 0x20 && s[j] <= 0x2f {
		j++
	}
	return j
}

// Result is how a VM ended.
type Result struct {
	Status   int           // QEMU's exit status; -1 when killed by a signal
	TimedOut bool          // killed because Options.Timeout ran out
	Killed   bool          // killed by VM.Kill
	Timeout  time.Duration // Options.Timeout, for messages
	Elapsed  time.Duration // from QEMU's start to its exit
	Log      string        // complete raw serial output
	Lines    []Line        // the serial output as lines
	Stderr   string        // QEMU's own messages
	Cmdline  string        // QEMU's command line, quoted for a shell
	Name     string        // Options.Name
	LogFile  string        // where the serial log was written, if LogDir was set
}

// Passed reports whether the guest wrote the pass code (status 33).
func (r Result) Passed() bool { return r.Status == StatusPass }

// Failed reports whether the guest wrote the fail code (status 35).
func (r Result) Failed() bool { return r.Status == StatusFail }

// Reset reports whether QEMU ended with status 0: with -no-reboot that is a
// guest reset, typically a triple fault (or an ACPI power-off).
func (r Result) Reset() bool { return r.Status == 0 }

// Meaning explains the exit.
func (r Result) Meaning() string {
	var m string
	switch s := r.Status; {
	case r.TimedOut:
		m = fmt.Sprintf("killed by the %v timeout", r.Timeout)
	case r.Killed:
		m = "killed by Kill"
	case s == StatusPass:
		m = "status 33: PASS"
	case s == StatusFail:
		m = "status 35: FAIL"
	case s == 0:
		m = "status 0: guest reset (triple fault?) or power-off"
	case s == 1:
		m = "status 1: QEMU error (see its stderr) or guest wrote 0x00 to isa-debug-exit"
	case s < 0:
		m = "killed by a signal"
	case s&1 == 1:
		m = fmt.Sprintf("status %d: guest wrote %#02x to isa-debug-exit", s, s>>1)
	default:
		m = fmt.Sprintf("status %d: QEMU exited unexpectedly", s)
	}
	return fmt.Sprintf("%s after %.3fs", m, r.Elapsed.Seconds())
}

// Report is a multi-line account for failure messages: the exit, the
// command line, QEMU's stderr and the tail of the serial log.
func (r Result) Report() string {
	return formatReport(r.Meaning(), r.Cmdline, r.Stderr, r.Lines, r.LogFile)
}

// FindLine returns the first line containing substr.
func (r Result) FindLine(substr string) (Line, bool) {
	for _, l := range r.Lines {
		if strings.Contains(l.Text, substr) {
			return l, true
		}
	}
	return Line{}, false
}

func formatReport(status, cmdline, stderr string, lines []Line, logFile string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "QEMU: %s\ncommand: %s\n", status, cmdline)
	if stderr = strings.TrimSpace(stderr); stderr != "" {
		b.WriteString("QEMU stderr:\n")
		for _, l := range tail(strings.Split(stderr, "\n"), 20) {
			fmt.Fprintf(&b, "    %s\n", l)
		}
	}
	n := min(len(lines), tailLines)
	fmt.Fprintf(&b, "serial log, last %d of %d lines", n, len(lines))
	if logFile != "" {
		fmt.Fprintf(&b, " (full log: %s)", logFile)
	}
	b.WriteString(":\n")
	for _, l := range lines[len(lines)-n:] {
		fmt.Fprintf(&b, "    %s\n", l)
	}
	return b.String()
}

func tail[T any](s []T, n int) []T { return s[max(0, len(s)-n):] }

// LogLen returns the number of raw serial bytes so far: an offset for
// ExpectOutput.
func (v *VM) LogLen() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.serial.raw)
}

// ExpectOutput waits until the raw serial output from byte offset from
// on contains substr, escapes and all, and returns the offset just past
// the first match and when the read that completed it arrived (since
// QEMU's start, as Line.At). Unlike Expect it consumes nothing and
// needs no newline: it times the echo of single keys. When several reads
// arrived before it looked, the time is the latest one's.
func (v *VM) ExpectOutput(from int, substr string, timeout time.Duration) (int, time.Duration, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	v.mu.Lock()
	for {
		if from > len(v.serial.raw) {
			from = len(v.serial.raw)
		}
		if i := bytes.Index(v.serial.raw[from:], []byte(substr)); i >= 0 {
			end, at := from+i+len(substr), v.serial.partialAt
			v.mu.Unlock()
			return end, at, nil
		}
		if v.exited {
			res := v.result
			v.mu.Unlock()
			v.reported.Store(true)
			return 0, 0, fmt.Errorf("vm %s: output %q never seen: %w: %s\n%s", v.opts.Name, substr, ErrExited, res.Meaning(), res.Report())
		}
		changed := v.serial.changed
		v.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			v.reported.Store(true)
			return 0, 0, fmt.Errorf("vm %s: output %q not seen within %v: %w\n%s", v.opts.Name, substr, timeout, ErrTimeout, v.report())
		}
		v.mu.Lock()
	}
}
