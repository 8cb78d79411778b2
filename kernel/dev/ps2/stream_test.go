package ps2

import (
	"errors"
	"testing"
)

// TestSecondStream: a second stream cannot be opened while one is open;
// after Close it can. Scancodes with no stream open are counted.
func TestSecondStream(t *testing.T) {
	s, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	if s2, err := Open(); !errors.Is(err, ErrStreamOpen) || s2 != nil {
		t.Errorf("second Open: %v, %v; want ErrStreamOpen", s2, err)
	}
	s.Close()
	s.Close() // twice: nothing more
	before := Unclaimed()
	push(0x1E)
	if Unclaimed() != before+1 || s.Pushed() != 0 {
		t.Errorf("scancode with no stream: unclaimed %d -> %d, pushed %d", before, Unclaimed(), s.Pushed())
	}
	s3, err := Open()
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	s.Close() // closing the old one again does not detach the new one
	push(0x1E)
	if s3.Pushed() != 1 {
		t.Errorf("new stream got %d scancodes, want 1", s3.Pushed())
	}
	s3.Close()
}

// TestLEDAnswersBypassTheStream: while an LED command awaits its answer,
// the keyboard's ACK goes to the LED task, not to the scancode stream;
// otherwise 0xFA is an ordinary byte of the stream.
func TestLEDAnswersBypassTheStream(t *testing.T) {
	s, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	irqByte(kbdACK)
	if s.Pushed() != 1 {
		t.Fatalf("an ACK with no command in flight: pushed %d, want 1", s.Pushed())
	}
	ledAwaiting.Store(1)
	irqByte(0x1E) // a scancode is not an answer
	irqByte(kbdACK)
	if s.Pushed() != 2 || ledReply.Load() != 0x100|kbdACK || ledAwaiting.Load() != 0 {
		t.Errorf("pushed %d (want 2), reply %#x, awaiting %d", s.Pushed(), ledReply.Load(), ledAwaiting.Load())
	}
	ledReply.Store(0)
}

// irqByte is Interrupt with b as the byte the data port held.
func irqByte(b byte) {
	if !ledAnswer(b) {
		push(b)
	}
}
