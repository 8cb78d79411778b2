package xhci

import "testing"

func TestPortSC(t *testing.T) {
	// Connected, enabled, powered, high speed, U0, with connect and reset
	// changes pending, a wake enable and the indicator set.
	v := uint32(portCCS | portPED | portPP | 3<<10 | LinkU0<<5 | portCSC | portPRC | 1<<25 | 1<<14)
	s := DecodePortSC(v)
	if !s.Connected || !s.Enabled || !s.Powered || s.Speed != SpeedHigh || s.LinkState != LinkU0 ||
		!s.ConnectChange || !s.ResetChange || s.EnableChange || !s.HasChange() {
		t.Errorf("%+v", s)
	}
	for _, c := range []struct {
		name string
		got  uint32
		want uint32
	}{
		// PED must be written 0 (a 1 would disable the port), the change
		// bits 1 only where they are to be cleared, PP and the other RWS
		// bits as read.
		{"ack", PortAckChanges(v), portCCS | portPP | 3<<10 | portCSC | portPRC | 1<<25 | 1<<14},
		{"reset", PortStartReset(v), portCCS | portPP | 3<<10 | portPR | 1<<25 | 1<<14},
		{"power", PortPowerOn(portCSC | LinkRxDetect<<5), LinkRxDetect<<5 | portPP},
		{"disable", PortDisable(v), portCCS | portPED | portPP | 3<<10 | 1<<25 | 1<<14},
	} {
		if c.got != c.want {
			t.Errorf("%s: %#x, want %#x", c.name, c.got, c.want)
		}
	}
}
