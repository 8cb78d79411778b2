package usb

import "fmt"

// PortStatus is a hub port's status and change bits, as GET_STATUS on the
// port returns them (USB 2.0 §11.24.2.7, Tables 11-21 and 11-22; USB 3.2
// §10.16.2.6, Tables 10-10 and 10-11).
type PortStatus struct {
	Connected, Enabled, Suspended bool
	OverCurrent, Resetting        bool
	Powered                       bool
	Speed                         Speed
	LinkState                     uint8 // USB 3: PORT_LINK_STATE (0 U0 ... 5 Rx.Detect)

	// Change bits; each is acknowledged by clearing its C_ feature.
	ConnectChange, EnableChange, SuspendChange bool
	OverCurrentChange, ResetChange             bool
	BHResetChange, LinkStateChange             bool // USB 3
	ConfigErrorChange                          bool // USB 3
}

// ParsePortStatus decodes the 4 bytes of GET_STATUS on a port of a USB
// 2.0 hub or, with superSpeed, of a USB 3.x hub (the bits differ).
func ParsePortStatus(b []byte, superSpeed bool) (PortStatus, error) {
	if len(b) != 4 {
		return PortStatus{}, fmt.Errorf("usb: port status of %d bytes, want 4", len(b))
	}
	st, ch := le16(b, 0), le16(b, 2)
	bit := func(v uint16, n uint) bool { return v&(1<<n) != 0 }
	s := PortStatus{
		Connected: bit(st, 0), Enabled: bit(st, 1), OverCurrent: bit(st, 3), Resetting: bit(st, 4),
		ConnectChange: bit(ch, 0), OverCurrentChange: bit(ch, 3), ResetChange: bit(ch, 4),
	}
	if superSpeed {
		s.LinkState = uint8(st >> 5 & 0xF)
		s.Powered = bit(st, 9)
		s.Speed = SpeedSuper
		if st>>10&7 != 0 {
			s.Speed = SpeedSuperPlus
		}
		s.BHResetChange, s.LinkStateChange, s.ConfigErrorChange = bit(ch, 5), bit(ch, 6), bit(ch, 7)
		return s, nil
	}
	s.Suspended, s.Powered = bit(st, 2), bit(st, 8)
	switch {
	case bit(st, 9):
		s.Speed = SpeedLow
	case bit(st, 10):
		s.Speed = SpeedHigh
	default:
		s.Speed = SpeedFull
	}
	s.EnableChange, s.SuspendChange = bit(ch, 1), bit(ch, 2)
	return s, nil
}

// ChangeFeatures returns the C_ features that acknowledge the change bits
// set in s, for ClearPortFeature, in bit order.
func (s PortStatus) ChangeFeatures() []uint16 {
	var f []uint16
	for _, c := range []struct {
		set     bool
		feature uint16
	}{
		{s.ConnectChange, CPortConnection}, {s.EnableChange, CPortEnable},
		{s.SuspendChange, CPortSuspend}, {s.OverCurrentChange, CPortOverCurrent},
		{s.ResetChange, CPortReset}, {s.BHResetChange, CBHPortReset},
		{s.LinkStateChange, CPortLinkState}, {s.ConfigErrorChange, CPortConfigError},
	} {
		if c.set {
			f = append(f, c.feature)
		}
	}
	return f
}
