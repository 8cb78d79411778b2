package keyboard

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// decodeANSI feeds in to d byte by byte and returns the events.
func decodeANSI(d *ANSIDecoder, in []byte) []Event {
	var out []Event
	for _, b := range in {
		ev, n := d.Feed(b)
		out = append(out, ev[:n]...)
	}
	return out
}

func rn(c rune) Event  { return Event{Rune: c} }
func ky(key Key) Event { return Event{Key: key} }

// runes returns the events of the runes of s.
func runes(s string) []Event {
	var out []Event
	for _, c := range s {
		out = append(out, rn(c))
	}
	return out
}

func cat(evs ...any) []Event {
	var out []Event
	for _, e := range evs {
		switch e := e.(type) {
		case Event:
			out = append(out, e)
		case []Event:
			out = append(out, e...)
		case string:
			out = append(out, runes(e)...)
		default:
			panic(fmt.Sprintf("cat: %T", e))
		}
	}
	return out
}

func TestANSIDecoder(t *testing.T) {
	esc := rn(0x1B)
	tests := []struct {
		name  string
		in    string
		want  []Event
		stats ANSIStats // the non-zero counters besides Bytes and Events
	}{
		{"ascii", "hello, World 123 ~", runes("hello, World 123 ~"), ANSIStats{}},
		{"utf8", "é€𝄞ü", runes("é€𝄞ü"), ANSIStats{}},
		{"cr", "a\rb", cat("a", rn('\n'), "b"), ANSIStats{}},
		{"lf", "a\nb", cat("a", rn('\n'), "b"), ANSIStats{}},
		{"crlf", "a\r\nb", cat("a", rn('\n'), "b"), ANSIStats{}},
		{"crcr", "\r\r", cat(rn('\n'), rn('\n')), ANSIStats{}},
		{"lfcr", "\n\r", cat(rn('\n'), rn('\n')), ANSIStats{}},
		{"crlflf", "\r\n\n", cat(rn('\n'), rn('\n')), ANSIStats{}},
		{"cr x lf", "\rx\n", cat(rn('\n'), "x", rn('\n')), ANSIStats{}},
		{"del", "ab\x7f", cat("ab", rn('\b')), ANSIStats{}},
		{"bs", "ab\x08", cat("ab", rn('\b')), ANSIStats{}},
		{"tab", "\t", cat(rn('\t')), ANSIStats{}},
		{"ctrl", "\x01\x03\x15\x1a", cat(rn(1), rn(3), rn(0x15), rn(0x1A)), ANSIStats{}},
		{"ignored", "\x00\x1c\x1d\x1e\x1fa", runes("a"), ANSIStats{Ignored: 5}},
		{"arrows", "\x1b[A\x1b[B\x1b[C\x1b[D", cat(ky(ArrowUp), ky(ArrowDown), ky(ArrowRight), ky(ArrowLeft)), ANSIStats{}},
		{"ss3 arrows", "\x1bOA\x1bOB\x1bOC\x1bOD", cat(ky(ArrowUp), ky(ArrowDown), ky(ArrowRight), ky(ArrowLeft)), ANSIStats{}},
		{"modified arrows", "\x1b[1;5C\x1b[1;2D", cat(ky(ArrowRight), ky(ArrowLeft)), ANSIStats{}},
		{"home end", "\x1b[H\x1b[F\x1b[1~\x1b[4~\x1bOH\x1bOF\x1b[7~\x1b[8~",
			cat(ky(Home), ky(End), ky(Home), ky(End), ky(Home), ky(End), ky(Home), ky(End)), ANSIStats{}},
		{"delete", "\x1b[3~", cat(ky(Delete)), ANSIStats{}},
		{"insert pages", "\x1b[2~\x1b[5~\x1b[6~", cat(ky(Insert), ky(PageUp), ky(PageDown)), ANSIStats{}},
		{"function keys", "\x1bOP\x1bOS\x1b[15~\x1b[17~\x1b[21~\x1b[24~\x1b[1;2Q",
			cat(ky(F1), ky(F4), ky(F5), ky(F6), ky(F10), ky(F12), ky(F2)), ANSIStats{}},
		{"keypad", "\x1bOM\x1bOj\x1bOp\x1bOy", cat(rn('\n'), "*09"), ANSIStats{}},
		{"esc x", "\x1bx", cat(esc, "x"), ANSIStats{}},
		{"esc esc", "\x1b\x1b[A", cat(esc, ky(ArrowUp)), ANSIStats{}},
		{"esc cr", "\x1b\r\n", cat(esc, rn('\n')), ANSIStats{}},
		{"esc del", "\x1b\x7f", cat(esc, rn('\b')), ANSIStats{}},
		{"esc utf8", "\x1bé", cat(esc, "é"), ANSIStats{}},
		{"unknown csi", "\x1b[Za\x1b[?1;2cb\x1b[24;80Rc\x1b[9~d\x1b[1 qe\x1b[2;5;1Af",
			runes("abcdef"), ANSIStats{UnknownSequences: 6}},
		{"unknown ss3", "\x1bOzq", runes("q"), ANSIStats{UnknownSequences: 1}},
		{"big parameter", "\x1b[99999999~x", runes("x"), ANSIStats{UnknownSequences: 1}},
		{"csi broken by cr", "\x1b[1\rx", cat(rn('\n'), "x"), ANSIStats{BrokenSequences: 1}},
		{"csi broken by esc", "\x1b[1\x1b[B", cat(ky(ArrowDown)), ANSIStats{BrokenSequences: 1}},
		{"csi broken by ctrl-c", "\x1b[\x03", cat(rn(3)), ANSIStats{BrokenSequences: 1}},
		{"csi broken by utf8", "\x1b[1éx", cat("éx"), ANSIStats{BrokenSequences: 1}},
		{"ss3 broken", "\x1bO\rx", cat(rn('\n'), "x"), ANSIStats{BrokenSequences: 1}},
		{"csi too long", "\x1b[" + strings.Repeat("1", 40) + "x", cat(strings.Repeat("1", 40-maxCSI), "x"), ANSIStats{BrokenSequences: 1}},
		{"stray continuation", "a\x80b", runes("ab"), ANSIStats{InvalidUTF8: 1}},
		{"bad lead", "\xc0\xc1\xf5\xffa", runes("a"), ANSIStats{InvalidUTF8: 4}},
		{"truncated", "\xe2\x82a", runes("a"), ANSIStats{InvalidUTF8: 1}},
		{"truncated by esc", "\xe2\x1b[A", cat(ky(ArrowUp)), ANSIStats{InvalidUTF8: 1}},
		{"overlong", "\xe0\x80\x80a", runes("a"), ANSIStats{InvalidUTF8: 1}},
		{"surrogate", "\xed\xa0\x80a", runes("a"), ANSIStats{InvalidUTF8: 1}},
		{"too large", "\xf4\x90\x80\x80a", runes("a"), ANSIStats{InvalidUTF8: 1}},
		{"c1 control", "\xc2\x85a", runes("a"), ANSIStats{Ignored: 1}},
		{"nbsp", "\xc2\xa0", runes("\u00a0"), ANSIStats{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d ANSIDecoder
			got := decodeANSI(&d, []byte(tt.in))
			if !slices.Equal(got, tt.want) {
				t.Errorf("Feed(%q) = %v, want %v", tt.in, got, tt.want)
			}
			want := tt.stats
			want.Bytes, want.Events = uint64(len(tt.in)), uint64(len(tt.want))
			if s := d.Stats(); s != want {
				t.Errorf("Stats = %+v, want %+v", s, want)
			}
			if d.Pending() {
				t.Errorf("Pending after %q", tt.in)
			}
		})
	}
}

func TestANSIFlush(t *testing.T) {
	var d ANSIDecoder
	if e, ok := d.Flush(); ok {
		t.Errorf("Flush of a fresh decoder = %v", e)
	}
	if got := decodeANSI(&d, []byte("a\x1b")); !slices.Equal(got, runes("a")) || !d.Pending() {
		t.Fatalf("a ESC: %v, pending %v", got, d.Pending())
	}
	if e, ok := d.Flush(); !ok || e != rn(0x1B) {
		t.Errorf("Flush after ESC = %v, %v; want Escape", e, ok)
	}
	for _, in := range []string{"\x1b[", "\x1b[1;", "\x1bO", "\xe2\x82"} {
		decodeANSI(&d, []byte(in))
		if e, ok := d.Flush(); ok || d.Pending() {
			t.Errorf("Flush after %q = %v, %v; pending %v", in, e, ok, d.Pending())
		}
	}
	s := d.Stats()
	if s.BrokenSequences != 3 || s.InvalidUTF8 != 1 || s.Events != 2 {
		t.Errorf("Stats = %+v", s)
	}
	// The decoder goes on as new.
	if got := decodeANSI(&d, []byte("[A")); !slices.Equal(got, runes("[A")) {
		t.Errorf("after Flush: %v", got)
	}
	d.Reset()
	if got := decodeANSI(&d, []byte("\x1b[")); got != nil {
		t.Errorf("got %v", got)
	}
	d.Reset()
	if got := decodeANSI(&d, []byte("A")); !slices.Equal(got, runes("A")) {
		t.Errorf("after Reset: %v", got)
	}
}

// ansiMix is a bit of everything the decoder handles.
const ansiMix = "ls -l\r\n\x1b[A\x1b[1;5D\x1bOH\x1b[3~é€\x7f\x1bx\x03\x1b[?25h\xff\x1b[1\r"

func TestANSIDecoderAllocs(t *testing.T) {
	var d ANSIDecoder
	in := []byte(strings.Repeat(ansiMix, 4))
	n := 0
	allocs := testing.AllocsPerRun(100, func() {
		for _, b := range in {
			_, m := d.Feed(b)
			n += m
		}
	})
	if allocs != 0 {
		t.Errorf("Feed allocates: %v allocations per %d bytes", allocs, len(in))
	}
	if n == 0 {
		t.Error("no events")
	}
}

func BenchmarkANSIDecoder(b *testing.B) {
	var d ANSIDecoder
	in := []byte(ansiMix)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		for _, c := range in {
			d.Feed(c)
		}
	}
}

// checkEvent fails unless e is an event the ANSI decoder may give: exactly
// one of Rune and Key set; a rune that is '\b', '\t', '\n', a Ctrl+letter
// control character, Escape, or a printable valid rune that is not a C1
// control; a key from the decoder's tables.
func checkEvent(t *testing.T, e Event) {
	t.Helper()
	if (e.Rune != 0) == (e.Key != None) {
		t.Fatalf("malformed event %#v", e)
	}
	if e.Key != None {
		switch e.Key {
		case ArrowUp, ArrowDown, ArrowLeft, ArrowRight, Home, End, Insert, Delete, PageUp, PageDown,
			F1, F2, F3, F4, F5, F6, F7, F8, F9, F10, F11, F12:
		default:
			t.Fatalf("unexpected key %v", e.Key)
		}
		return
	}
	c := e.Rune
	switch {
	case c >= 1 && c <= 0x1B:
	case c >= 0x20 && c < 0x7F:
	case c >= 0xA0 && utf8.ValidRune(c):
	default:
		t.Fatalf("unexpected rune %U", c)
	}
}

// resyncBytes are the bytes after which the decoder is in step whatever
// came before (see ANSIDecoder): every control character but NUL, LF, ESC
// and 1C-1F, and DEL.
var resyncBytes = func() []byte {
	var bs []byte
	for c := byte(1); c <= 0x1A; c++ {
		if c != '\n' {
			bs = append(bs, c)
		}
	}
	return append(bs, 0x7F)
}()

// resyncEvent is the event of a resync byte.
func resyncEvent(c byte) Event {
	switch c {
	case 0x08, 0x7F:
		return rn('\b')
	case '\r':
		return rn('\n')
	}
	return rn(rune(c))
}

// encodeKeys turns choices into a sequence of events and the bytes a
// terminal would send for them, picking among the encodings each event has
// (CR, LF or CR LF for Enter, DEL or BS for Backspace, the CSI and SS3
// forms of the keys, modifier parameters). afterCR says the byte before the
// encoding is a CR, so that a LF must not follow.
func encodeKeys(choices []byte, afterCR bool) (events []Event, bytes []byte) {
	type enc struct {
		e    Event
		seqs []string
	}
	table := []enc{
		{rn('\n'), []string{"\r", "\n", "\r\n"}},
		{rn('\b'), []string{"\x7f", "\b"}},
		{rn('\t'), []string{"\t"}},
		{rn(0x03), []string{"\x03"}},
		{rn(0x15), []string{"\x15"}},
		{ky(ArrowUp), []string{"\x1b[A", "\x1bOA", "\x1b[1;5A"}},
		{ky(ArrowDown), []string{"\x1b[B", "\x1bOB"}},
		{ky(ArrowRight), []string{"\x1b[C", "\x1bOC", "\x1b[1;3C"}},
		{ky(ArrowLeft), []string{"\x1b[D", "\x1bOD"}},
		{ky(Home), []string{"\x1b[H", "\x1b[1~", "\x1b[7~", "\x1bOH"}},
		{ky(End), []string{"\x1b[F", "\x1b[4~", "\x1b[8~", "\x1bOF"}},
		{ky(Delete), []string{"\x1b[3~", "\x1b[3;5~"}},
		{ky(Insert), []string{"\x1b[2~"}},
		{ky(PageUp), []string{"\x1b[5~"}},
		{ky(PageDown), []string{"\x1b[6~"}},
		{ky(F1), []string{"\x1bOP", "\x1b[11~", "\x1b[1;2P"}},
		{ky(F12), []string{"\x1b[24~"}},
		{rn(0x1B), []string{"\x1b"}},
	}
	printable := []rune("aZ0 ~[O'é€𝄞\u00a0ß")
	for i := 0; i+1 < len(choices); i += 2 {
		c, v := choices[i], int(choices[i+1])
		var e Event
		var seq string
		if int(c)%2 == 0 {
			p := printable[v%len(printable)]
			if n := len(events); n > 0 && events[n-1] == rn(0x1B) && (p == '[' || p == 'O') {
				p = 'x' // ESC [ and ESC O start sequences: Alt+[ is not representable
			}
			e, seq = rn(p), string(p)
		} else {
			en := table[int(c/2)%len(table)]
			e, seq = en.e, en.seqs[v%len(en.seqs)]
		}
		if afterCR && seq[0] == '\n' {
			seq = "\r" // a LF right after a CR would be its pair
		}
		events = append(events, e)
		bytes = append(bytes, seq...)
		afterCR = seq[len(seq)-1] == '\r'
	}
	return events, bytes
}

// FuzzANSIDecoder checks, for any garbage G, resync byte c and sequence of
// keys K (encoded as a terminal sends them, in any of their encodings):
//
//  1. Feeding G c K (then Flush) never panics, and every event is well
//     formed (checkEvent); the counters add up to the bytes fed.
//  2. G gives the same events fed alone as at the start of the stream.
//  3. c gives its event (resyncEvent), preceded by Escape if G left an ESC
//     pending, and nothing else: the decoder is back in step.
//  4. K decodes to exactly its keys: the decoder understands every
//     encoding of every key and does not merge or split them (Enter's CR
//     LF, Escape followed by other bytes, ...).
func FuzzANSIDecoder(f *testing.F) {
	for _, seed := range []string{
		"", "\x1b", "\x1b[", "\x1b[1;", "\x1bO", "\r", "\xe2", "\xe2\x82", "\xf0\x9f\x98",
		"\x1b[?", "\x1b[1 ", "\x1b\x1b", "\xc0", "\x80", ansiMix, strings.Repeat("\x1b[1", 20),
	} {
		f.Add([]byte(seed), byte(3), []byte{0, 0, 1, 0, 3, 2, 5, 1, 30, 0, 35, 0, 2, 4})
		f.Add([]byte(seed), byte('\r'), []byte{1, 0, 1, 1, 1, 2, 0, 8, 2, 9})
	}
	f.Fuzz(func(t *testing.T, garbage []byte, c byte, choices []byte) {
		c = resyncBytes[int(c)%len(resyncBytes)]
		var alone ANSIDecoder
		wantG := decodeANSI(&alone, garbage)
		escPending := alone.state == ansiEsc

		keys, enc := encodeKeys(choices, c == '\r')
		var d ANSIDecoder
		var got []Event
		all := append(append(append([]byte(nil), garbage...), c), enc...)
		for i, b := range all {
			ev, n := d.Feed(b)
			if n < 0 || n > 2 {
				t.Fatalf("Feed returned n = %d", n)
			}
			for _, e := range ev[:n] {
				checkEvent(t, e)
			}
			got = append(got, ev[:n]...)
			if i == len(garbage)-1 && !slices.Equal(got, wantG) {
				t.Fatalf("G alone gives %v, in the stream %v", wantG, got)
			}
			if i == len(garbage) {
				want := append(slices.Clone(wantG), resyncEvent(c))
				if escPending {
					want = slices.Insert(want, len(wantG), rn(0x1B))
				}
				if !slices.Equal(got, want) {
					t.Fatalf("after G %q and %#x: %v, want %v", garbage, c, got[len(wantG):], want[len(wantG):])
				}
				if d.state != ansiGround {
					t.Fatalf("state %d after the resync byte", d.state)
				}
				got = got[:0]
			}
		}
		if e, ok := d.Flush(); ok {
			got = append(got, e)
		}
		if !slices.Equal(got, keys) {
			t.Fatalf("keys %v encoded as %q decode to %v", keys, enc, got)
		}
		s := d.Stats()
		if s.Bytes != uint64(len(all)) {
			t.Fatalf("Stats.Bytes = %d, want %d", s.Bytes, len(all))
		}
	})
}
