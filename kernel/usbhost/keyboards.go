package usbhost

import (
	"gokernel/kernel/usb"
	"gokernel/task"
)

// Keyboards is every USB keyboard attached, as one stream of scan code
// set 1 bytes: what ps2.ScancodeStream is for the 8042, so that
// keyboard.Events, the keypress printer and test=keyboard read either.
// Keyboards come and go as they are plugged in and out; the stream
// never ends.
//
// It takes the bytes of one keyboard until that keyboard has none ready,
// then turns to the next: a keyboard's bytes come a report at a time,
// and a report's bytes are whole key sequences (E0 and E1 prefixes with
// their codes), so two keyboards' sequences are never cut into each
// other and one decoder reads them all, as one PS/2 keyboard's. The
// lock lights are common to all, as the decoder's locks are: SetLEDs
// sends them to every keyboard, and a keyboard plugged in gets them.
//
// One consumer task; keyboards are added by their drivers on the same
// executor.
type Keyboards struct {
	kbds []*usbKeyboard
	cur  int        // the keyboard being read
	w    task.Waker // the consumer's
	leds uint8      // the HID LED report every keyboard should show
}

// NewKeyboards returns the stream, with Num Lock's light on: the
// decoder starts with Num Lock on.
func NewKeyboards() *Keyboards { return &Keyboards{leds: usb.LEDNum} }

// add starts reading k.
func (ks *Keyboards) add(k *usbKeyboard) {
	ks.kbds = append(ks.kbds, k)
	k.setLEDs(ks.leds)
	ks.w.Wake()
}

// Len returns the number of keyboards attached.
func (ks *Keyboards) Len() int { return len(ks.kbds) }

// PollNext implements task.Stream[byte]: the next byte of the keyboard
// being read, or of the next one that has one; pending when none has.
func (ks *Keyboards) PollNext(cx *task.Context) (byte, bool, bool) {
	ks.w = cx.Waker()
	for tried := 0; tried < len(ks.kbds); {
		if ks.cur >= len(ks.kbds) {
			ks.cur = 0
		}
		k := ks.kbds[ks.cur]
		b, ok, ready := k.stream.PollNext(cx)
		switch {
		case ready && ok:
			return b, true, true
		case ready: // its reports ended: unplugged, or failed
			ks.kbds = append(ks.kbds[:ks.cur], ks.kbds[ks.cur+1:]...)
			k.ended()
		default:
			ks.cur++
			tried++
		}
	}
	return 0, false, false
}

// Dropped implements keyboard.Scancodes. Nothing is ever dropped here:
// reports are transfers the kernel asks for when its reader wants bytes,
// so a slow reader makes the keyboard wait (it answers NAK and keeps its
// keys), it does not overflow a queue of the kernel's.
func (ks *Keyboards) Dropped() uint64 { return 0 }

// SetLEDs shows the lock lights as package keyboard reports them (its
// decoder's LED byte: bit 0 Scroll, bit 1 Num, bit 2 Caps Lock) on
// every keyboard: the onLEDs of keyboard.Events.
func (ks *Keyboards) SetLEDs(ps2 uint8) {
	ks.leds = usb.LEDReport(ps2)
	for _, k := range ks.kbds {
		k.setLEDs(ks.leds)
	}
}
