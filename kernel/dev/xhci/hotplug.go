package xhci

// Action is what the port monitor does after a port changed.
type Action uint8

const (
	ActNone         Action = iota
	ActAttach              // a device is there and none is known: Attach
	ActDetach              // the known device is gone: Detach it
	ActReplace             // the connection changed under a known device: Detach, then Attach
	ActIgnoreEnable        // a change of the enable, reset or link bits only: nothing to do
)

func (a Action) String() string {
	return [...]string{"none", "attach", "detach", "replace", "ignore"}[a]
}

// PortAction decides, from a port's status (read before its change bits
// are cleared) and whether a device on it is known, what to do: a pure
// function, so that the port monitor's hot-plug logic tests on the host.
// A connect status change while a device is known means the device was
// unplugged, perhaps plugged in again between two looks: the old one is
// detached first. A device known on a port that reports no connection
// is detached whatever the change bits say. Changes that are the
// driver's own doing (the reset's end during Attach) ask for nothing.
func PortAction(s PortStatus, known bool) Action {
	switch {
	case known && !s.Connected:
		return ActDetach
	case known && s.ConnectChange:
		return ActReplace
	case !known && s.Connected:
		return ActAttach
	case s.HasChange():
		return ActIgnoreEnable
	}
	return ActNone
}
