package xhci

import "testing"

func TestPortAction(t *testing.T) {
	on := PortStatus{Connected: true, Enabled: true}
	changed := PortStatus{Connected: true, ConnectChange: true, Raw: portCCS | portCSC}
	gone := PortStatus{ConnectChange: true, Raw: portCSC}
	reset := PortStatus{Connected: true, Enabled: true, ResetChange: true, Raw: portCCS | portPED | portPRC}
	for _, c := range []struct {
		s     PortStatus
		known bool
		want  Action
	}{
		{changed, false, ActAttach},
		{on, false, ActAttach},
		{gone, true, ActDetach},
		{PortStatus{}, true, ActDetach},
		{changed, true, ActReplace},
		{reset, true, ActIgnoreEnable},
		{gone, false, ActIgnoreEnable},
		{PortStatus{}, false, ActNone},
		{on, true, ActNone},
	} {
		if got := PortAction(c.s, c.known); got != c.want {
			t.Errorf("PortAction(%+v, %v) = %v, want %v", c.s, c.known, got, c.want)
		}
	}
}
