package keyboard

import (
	"bytes"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gokernel/task"
	"gokernel/task/source"
)

// usMake is the set 1 make code of each character a US keyboard types
// without Shift; usShift those it types with Shift.
var (
	usMake = map[rune]byte{
		'1': 0x02, '2': 0x03, '3': 0x04, '4': 0x05, '5': 0x06, '6': 0x07, '7': 0x08, '8': 0x09, '9': 0x0A, '0': 0x0B,
		'-': 0x0C, '=': 0x0D, '\b': 0x0E, '\t': 0x0F,
		'q': 0x10, 'w': 0x11, 'e': 0x12, 'r': 0x13, 't': 0x14, 'y': 0x15, 'u': 0x16, 'i': 0x17, 'o': 0x18, 'p': 0x19,
		'\n': 0x1C, 'a': 0x1E, 's': 0x1F, 'd': 0x20, 'f': 0x21, 'g': 0x22, 'h': 0x23, 'j': 0x24, 'k': 0x25, 'l': 0x26,
		';': 0x27, '\'': 0x28, 'z': 0x2C, 'x': 0x2D, 'c': 0x2E, 'v': 0x2F, 'b': 0x30, 'n': 0x31, 'm': 0x32,
		',': 0x33, '.': 0x34, '/': 0x35, ' ': 0x39,
	}
	usShift = map[rune]rune{'!': '1', '@': '2', '?': '/', ':': ';', '"': '\''}
)

// typeUS returns the scancodes (presses and releases) that type text on a
// US keyboard: capitals and the characters of usShift with left Shift
// held, '\b' as Backspace.
func typeUS(t testing.TB, text string) []byte {
	t.Helper()
	var out []byte
	for _, r := range text {
		shift := false
		if base, ok := usShift[r]; ok {
			r, shift = base, true
		} else if r >= 'A' && r <= 'Z' {
			r, shift = r-'A'+'a', true
		}
		code, ok := usMake[r]
		if !ok {
			t.Fatalf("typeUS: no key for %q", r)
		}
		if shift {
			out = append(out, 0x2A)
		}
		out = append(out, code, code|0x80)
		if shift {
			out = append(out, 0xAA)
		}
	}
	return out
}

// The kernel's PS/2 driver feeds the scancode stream from IRQ 1
// (ps2.Interrupt); these tests stand in for it with a source of their
// own, fed by AddScancode.

// ScancodeQueueSize is the test stream's capacity, the driver's.
const ScancodeQueueSize = 128

var testStream *source.Source[byte]

// openStream opens the test's stream and closes it at the end.
func openStream(t testing.TB) *source.Source[byte] {
	t.Helper()
	s, err := source.New[byte](ScancodeQueueSize)
	if err != nil {
		t.Fatal(err)
	}
	testStream = s
	t.Cleanup(func() { s.Close() })
	return s
}

// AddScancode is what the interrupt handler does: push onto the stream.
func AddScancode(b byte) { testStream.Push(b) }

// irqExecutor returns an executor whose idle function sleeps until an
// "interrupt" (a send on the returned channel, buffered like a pending
// interrupt) when the run queue is empty, failing the test after 10
// seconds.
func irqExecutor(t testing.TB) (*task.Executor, chan struct{}) {
	irq := make(chan struct{}, 1)
	var e *task.Executor
	e, err := task.NewExecutor(8, func(queueEmpty func() bool, _ time.Duration, _ bool) {
		if !queueEmpty() {
			return
		}
		select {
		case <-irq:
		case <-time.After(10 * time.Second):
			t.Errorf("no interrupt for 10s: a lost wake?")
			e.Stop()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	e.SetPanicHandler(func(p *task.TaskPanic) { t.Errorf("%v\n%s", p, p.Stack) })
	return e, irq
}

// interrupt is what a test goroutine does in place of the IRQ1 handler:
// AddScancode, then raise the (buffered) interrupt line.
func interrupt(irq chan struct{}, b byte) {
	AddScancode(b)
	select {
	case irq <- struct{}{}:
	default:
	}
}

// TestStreamFromInterrupt: a goroutine standing in for the interrupt
// handler feeds scancodes with AddScancode while the executor runs
// PrintKeypresses; the text comes out decoded, with Shift and Backspace
// applied, and nothing is dropped.
func TestStreamFromInterrupt(t *testing.T) {
	s := openStream(t)
	e, irq := irqExecutor(t)
	var out bytes.Buffer
	if _, err := e.Spawn(PrintKeypresses(s, US, &out)); err != nil {
		t.Fatal(err)
	}
	text := "Hello, World!\bX\nThe Quick brown foxx\b jumps: \"over\" the lazy dog?\n"
	var long strings.Builder
	for range 20 {
		long.WriteString(text)
	}
	codes := typeUS(t, long.String())
	go func() {
		for i, b := range codes {
			// An interrupt does not wait, but a keyboard is slower than
			// this goroutine: pace it so that the queue never fills.
			for s.Len() > ScancodeQueueSize/2 {
				runtime.Gosched()
			}
			interrupt(irq, b)
			if i%7 == 0 {
				runtime.Gosched()
			}
		}
		s.Close()
		select { // wake the executor to see the end
		case irq <- struct{}{}:
		default:
		}
	}()
	if err := e.Run(); err != nil {
		t.Fatal(err)
	}
	one := "Hello, World!\b \bX\nThe Quick brown foxx\b \b jumps: \"over\" the lazy dog?\n"
	if got, want := out.String(), strings.Repeat(one, 20); got != want {
		t.Errorf("output:\n%q\nwant:\n%q", got, want)
	}
	if s.Dropped() != 0 || s.Pushed() != uint64(len(codes)) {
		t.Errorf("pushed %d (want %d), dropped %d", s.Pushed(), len(codes), s.Dropped())
	}
}

// TestStreamUnpaced: the same with an unpaced producer and the consumer
// racing it; every byte is either delivered or counted as dropped.
func TestStreamUnpaced(t *testing.T) {
	s := openStream(t)
	e, irq := irqExecutor(t)
	var got int
	if _, err := e.Spawn(task.ForEach[byte](s, func(byte) { got++ })); err != nil {
		t.Fatal(err)
	}
	const n = 20000
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range n {
			interrupt(irq, byte(i))
		}
		s.Close()
		select { // wake the executor to see the end
		case irq <- struct{}{}:
		default:
		}
	})
	if err := e.Run(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if uint64(got) != s.Pushed() || s.Pushed()+s.Dropped() != n {
		t.Errorf("received %d, pushed %d, dropped %d of %d", got, s.Pushed(), s.Dropped(), n)
	}
}

// TestPollNext: pending on an empty stream, a wake when a byte arrives,
// the end after Close once the queue is drained. It runs as a task, so
// that the wake is the executor's.
func TestPollNext(t *testing.T) {
	s := openStream(t)
	var e *task.Executor
	e, err := task.NewExecutor(1, func(func() bool, time.Duration, bool) {
		t.Error("the task was not woken")
		e.Stop()
	})
	if err != nil {
		t.Fatal(err)
	}
	step := 0
	e.Spawn(task.FutureFunc[struct{}](func(cx *task.Context) (struct{}, bool) {
		step++
		switch step {
		case 1:
			if _, _, ready := s.PollNext(cx); ready {
				t.Fatal("empty stream ready")
			}
			AddScancode(0x1E) // wakes us
			if e.QueueEmpty() {
				t.Error("AddScancode did not queue the waiting task")
			}
			return struct{}{}, false
		case 2:
			AddScancode(0x9E)
			s.Close()
			for _, want := range []byte{0x1E, 0x9E} {
				if b, ok, ready := s.PollNext(cx); !ready || !ok || b != want {
					t.Errorf("PollNext = %#x, %v, %v; want %#x", b, ok, ready, want)
				}
			}
			if _, ok, ready := s.PollNext(cx); !ready || ok {
				t.Errorf("closed and drained stream: ok %v, ready %v; want the end", ok, ready)
			}
		}
		return struct{}{}, true
	}))
	if err := e.Run(); err != nil {
		t.Fatal(err)
	}
	if step != 2 {
		t.Errorf("%d polls, want 2", step)
	}
}

// TestDropCounting: with nobody reading, the ring takes 128 scancodes and
// drops the rest, counting them; PrintKeypresses reports the drops at most
// once a second (an injected clock), with the total so far.
func TestDropCounting(t *testing.T) {
	s := openStream(t)
	for range 200 {
		AddScancode(0x1E) // 'a', repeated
	}
	if s.Pushed() != ScancodeQueueSize || s.Dropped() != 200-ScancodeQueueSize {
		t.Fatalf("pushed %d, dropped %d", s.Pushed(), s.Dropped())
	}
	now := time.Unix(1000, 0)
	var out bytes.Buffer
	p := PrintKeypresses(s, US, &out)
	p.Now = func() time.Time { return now }
	cx := task.NewContext(task.Waker{})
	poll := func() string {
		t.Helper()
		if _, done := p.Poll(cx); done {
			t.Fatal("printer finished")
		}
		got := out.String()
		out.Reset()
		return got
	}
	a64 := strings.Repeat("a", task.ForEachBudget)
	msg := func(n int) string { return "keyboard: scancode queue full; dropped " + strconv.Itoa(n) + "\n" }
	if got, want := poll(), a64+"\n"+msg(72); got != want {
		t.Errorf("first poll: %q, want %q", got, want)
	}
	if got := poll(); got != a64 {
		t.Errorf("second poll: %q, want 64 a's", got)
	}
	// 0.5 s later: the queue overflows again, but the last report is too
	// recent.
	now = now.Add(500 * time.Millisecond)
	for range ScancodeQueueSize + 10 {
		AddScancode(0x30) // 'b'
	}
	b64 := strings.Repeat("b", task.ForEachBudget)
	if got := poll(); got != b64 {
		t.Errorf("poll 0.5 s after a report: %q, want no report", got)
	}
	// A second after the report: the new total.
	now = now.Add(500 * time.Millisecond)
	if got, want := poll(), b64+"\n"+msg(82); got != want {
		t.Errorf("poll 1 s after the report: %q, want %q", got, want)
	}
	// Nothing new dropped: no report, however late.
	now = now.Add(time.Hour)
	AddScancode(0x1C)
	if got := poll(); got != "\n" {
		t.Errorf("poll without new drops: %q", got)
	}
	s.Close()
	if _, done := p.Poll(cx); !done {
		t.Error("printer did not finish after Close")
	}
}
