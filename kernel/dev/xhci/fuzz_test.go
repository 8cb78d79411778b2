package xhci

import (
	"encoding/binary"
	"testing"

	"gokernel/kernel/usb"
)

// Fuzz tests: no register value, context or event makes the decoders
// panic or lose what they decoded, and no sequence of events, however
// wrong, makes the driver panic or hang. Run one for 30 s with
//
//	go test -run '^$' -fuzz '^FuzzDispatch$' -fuzztime 30s ./kernel/dev/xhci/

func FuzzDecode(f *testing.F) {
	f.Add(make([]byte, 64), uint32(0))
	f.Add([]byte{0x45, 0x23, 0x31, 0x6e, 0x00, 0x02, 0x04, 0x00, 0x05, 0x06, 0x02, 0x00, 0x07, 0, 0, 0x18}, uint32(0x00260e03))
	f.Fuzz(func(t *testing.T, b []byte, portsc uint32) {
		if len(b) < 32 {
			return
		}
		b = b[:32]
		for _, rt := range []func([]byte) bool{
			func(b []byte) bool {
				s := DecodeSlot(b)
				c := make([]byte, 32)
				s.Encode(c)
				return DecodeSlot(c) == s
			},
			func(b []byte) bool {
				e := DecodeEndpoint(b)
				c := make([]byte, 32)
				e.Encode(c)
				return DecodeEndpoint(c) == e
			},
			func(b []byte) bool {
				ic := DecodeInputControl(b)
				ic.Drop &^= 3
				c := make([]byte, 32)
				ic.Encode(c)
				return DecodeInputControl(c) == ic
			},
		} {
			if !rt(b) {
				t.Fatalf("context % x does not survive a round trip", b)
			}
		}
		tr := TRB{binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint32(b[8:]), binary.LittleEndian.Uint32(b[12:])}
		e := DecodeEvent(tr)
		if e.Type == TypeTransferEvent || e.Type == TypeCommandComplete || e.Type == TypePortStatus {
			if DecodeEvent(EncodeEvent(e)) != e {
				t.Fatalf("event %+v does not survive a round trip", e)
			}
		}
		s := DecodePortSC(portsc)
		for _, w := range []uint32{PortAckChanges(portsc), PortStartReset(portsc), PortPowerOn(portsc)} {
			if w&(portPED|portWPR|portLWS) != 0 || w&portChanges&^portsc != 0 {
				t.Fatalf("PORTSC %#x: write %#x disables, warm-resets, strobes or clears what was not set", portsc, w)
			}
		}
		if s.HasChange() != (portsc&portChanges != 0) {
			t.Fatal("HasChange")
		}
	})
}

// FuzzDispatch brings up a keyboard, then feeds the dispatcher the
// fuzzer's events (16 bytes each, with a few fields steered towards the
// device's slot and rings), then asks for its device descriptor: the
// driver must neither panic nor hang, and the answer, if any, must be a
// device descriptor or an error.
func FuzzDispatch(f *testing.F) {
	f.Add([]byte{})
	f.Add(make([]byte, 48))
	ev := EncodeEvent(Event{Type: TypeTransferEvent, Code: CCStall, Slot: 1, DCI: 1})
	b := make([]byte, 16)
	binary.LittleEndian.PutUint64(b, ev.Param)
	binary.LittleEndian.PutUint32(b[8:], ev.Status)
	binary.LittleEndian.PutUint32(b[12:], ev.Control)
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 64*16 {
			return
		}
		s := newSim(t, 2, nil)
		s.hc.attach(1, newKeyboard(64), SpeedHigh)
		s.run(func(a await) {
			if err := aw(a, s.c.Start()); err != nil {
				t.Error(err)
				return
			}
			d := aw(a, s.c.Attach(1)).Dev
			if d == nil {
				t.Error("no device")
				return
			}
			ring := d.eps[1].ring.Phys()
			for len(data) >= 16 {
				tr := TRB{binary.LittleEndian.Uint64(data), binary.LittleEndian.Uint32(data[8:]), binary.LittleEndian.Uint32(data[12:])}
				data = data[16:]
				if tr.Param&1 != 0 { // steer: a pointer onto endpoint 0's ring, this slot
					tr.Param = ring + tr.Param>>1%16*TRBSize
					tr.Control = tr.Control&^(0xFF<<slotShift) | uint32(d.Slot)<<slotShift
				}
				s.c.dispatch(tr)
			}
			r := aw(a, d.Control(usb.GetDescriptor(usb.DescDevice, 0, 0, 18).Bytes(), make([]byte, 18)))
			if r.Err == nil && r.N > 0 && r.Data[1] != usb.DescDevice {
				t.Errorf("answer % x", r.Data)
			}
		})
	})
}
