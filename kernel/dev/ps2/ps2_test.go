package ps2

import (
	"strings"
	"testing"
	"time"
)

// fake8042 models the controller and keyboard at the port level.
type fake8042 struct {
	out      []byte // bytes waiting in the output buffer
	config   byte
	wantArg  byte // the command waiting for a data byte
	sent     []byte
	noAnswer bool
	resends  int // answer the next keyboard bytes with resend this many times
	absent   bool
}

func (f *fake8042) inb(port uint16) uint8 {
	switch {
	case f.absent:
		return 0xFF
	case port == statusPort:
		if len(f.out) > 0 {
			return statusOutFull
		}
		return 0
	case len(f.out) > 0:
		b := f.out[0]
		f.out = f.out[1:]
		return b
	}
	return 0
}

func (f *fake8042) outb(port uint16, v uint8) {
	if f.absent {
		return
	}
	if port == statusPort {
		switch v {
		case cmdReadConfig:
			f.out = append(f.out, f.config)
		case cmdWriteConfig:
			f.wantArg = v
		case cmdSelfTest:
			if !f.noAnswer {
				f.out = append(f.out, selfTestOK)
			}
		case cmdTest1:
			f.out = append(f.out, 0)
		case cmdDisable1:
			f.config |= cfgClock1Off
		case cmdEnable1:
			f.config &^= cfgClock1Off
		case cmdDisable2:
			f.config |= cfgClock2Off
		}
		return
	}
	if f.wantArg == cmdWriteConfig {
		f.config, f.wantArg = v, 0
		return
	}
	f.sent = append(f.sent, v)
	if f.resends > 0 {
		f.resends--
		f.out = append(f.out, kbdResend)
		return
	}
	f.out = append(f.out, kbdACK)
	if v == kbdReset {
		f.out = append(f.out, kbdTestOK)
	}
}

func use(t *testing.T, f *fake8042) {
	oi, oo, on := inb, outb, now
	inb, outb = f.inb, f.outb
	// A clock that advances 1 ms per reading makes timeouts quick.
	clock := time.Unix(0, 0)
	now = func() time.Time { clock = clock.Add(time.Millisecond); return clock }
	t.Cleanup(func() { inb, outb, now = oi, oo, on })
}

func TestInit(t *testing.T) {
	f := &fake8042{config: cfgIRQ1 | cfgIRQ2, out: []byte{0x1e, 0x9e}} // stale bytes
	use(t, f)
	if err := Init(); err != nil {
		t.Fatal(err)
	}
	if f.config&(cfgIRQ1|cfgTranslation) != cfgIRQ1|cfgTranslation || f.config&(cfgIRQ2|cfgClock1Off) != 0 {
		t.Errorf("config %#x: want IRQ 1, port 1's clock and translation on, IRQ 12 off", f.config)
	}
	if len(f.out) != 0 {
		t.Errorf("bytes left unread: % x", f.out)
	}
}

func TestResend(t *testing.T) {
	f := &fake8042{resends: 2}
	use(t, f)
	if err := Init(); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(f.sent), string([]byte{kbdReset})); n != 3 {
		t.Errorf("reset sent %d times, want 3 (two resends)", n)
	}
	f2 := &fake8042{resends: 10}
	use(t, f2)
	if err := Init(); err == nil || !strings.Contains(err.Error(), "resent") {
		t.Errorf("endless resends: %v", err)
	}
}

func TestNoController(t *testing.T) {
	use(t, &fake8042{absent: true})
	if err := Init(); err != ErrNoController {
		t.Errorf("absent controller: %v", err)
	}
}

func TestSilentController(t *testing.T) {
	use(t, &fake8042{noAnswer: true})
	start := time.Now()
	err := Init()
	if err == nil || !strings.Contains(err.Error(), "self-test") {
		t.Errorf("silent controller: %v", err)
	}
	if time.Since(start) > time.Second {
		t.Error("the timeout took real time")
	}
}
