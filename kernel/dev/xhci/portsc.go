package xhci

// PORTSC, the port status and control register (§5.4.8, Table 5-27).
const (
	portCCS   = 1 << 0    // current connect status (RO)
	portPED   = 1 << 1    // port enabled (RW1CS: writing 1 disables the port)
	portOCA   = 1 << 3    // over-current active (RO)
	portPR    = 1 << 4    // port reset (RW1S)
	portPLS   = 0xF << 5  // port link state (RWS, written only with LWS)
	portPP    = 1 << 9    // port power (RWS)
	portSpeed = 0xF << 10 // port speed (RO)
	portPIC   = 3 << 14   // port indicator control (RWS)
	portLWS   = 1 << 16   // link state write strobe
	portCSC   = 1 << 17   // connect status change (RW1CS)
	portPEC   = 1 << 18   // enabled/disabled change
	portWRC   = 1 << 19   // warm reset change
	portOCC   = 1 << 20   // over-current change
	portPRC   = 1 << 21   // port reset change
	portPLC   = 1 << 22   // port link state change
	portCEC   = 1 << 23   // config error change
	portCAS   = 1 << 24   // cold attach status (RO)
	portWake  = 7 << 25   // WCE, WDE, WOE (RWS)
	portDR    = 1 << 30   // device removable (RO)
	portWPR   = 1 << 31   // warm port reset (RW1S)

	portChanges = portCSC | portPEC | portWRC | portOCC | portPRC | portPLC | portCEC
	portRO      = portCCS | portOCA | portSpeed | portCAS | portDR
	portRWS     = portPLS | portPP | portPIC | portWake
)

// Link states (PLS) a driver looks at (Table 5-27).
const (
	LinkU0       = 0
	LinkDisabled = 4
	LinkRxDetect = 5
	LinkPolling  = 7
)

// PortStatus is a decoded PORTSC.
type PortStatus struct {
	Connected, Enabled, OverCurrent, Resetting, Powered bool
	LinkState                                           int
	Speed                                               Speed

	ConnectChange, EnableChange, WarmResetChange bool
	OverCurrentChange, ResetChange               bool
	LinkStateChange, ConfigErrorChange           bool

	Raw uint32
}

// DecodePortSC decodes a PORTSC value.
func DecodePortSC(v uint32) PortStatus {
	return PortStatus{
		Connected: v&portCCS != 0, Enabled: v&portPED != 0, OverCurrent: v&portOCA != 0,
		Resetting: v&portPR != 0, Powered: v&portPP != 0,
		LinkState: int(v >> 5 & 0xF), Speed: Speed(v >> 10 & 0xF),
		ConnectChange: v&portCSC != 0, EnableChange: v&portPEC != 0, WarmResetChange: v&portWRC != 0,
		OverCurrentChange: v&portOCC != 0, ResetChange: v&portPRC != 0,
		LinkStateChange: v&portPLC != 0, ConfigErrorChange: v&portCEC != 0,
		Raw: v,
	}
}

// HasChange reports whether any change bit is set.
func (p PortStatus) HasChange() bool { return p.Raw&portChanges != 0 }

// The values to write. PORTSC mixes read-only bits, bits kept across
// writes (RWS), bits that a written 1 clears (the change bits, and PED,
// which a 1 disables) and bits that a written 1 sets (PR, WPR): a write
// must carry the RWS bits as read and 0 in every RW1C and RW1S bit it
// does not mean to act on (§4.19.2; Linux's xhci_port_state_to_neutral).

// portNeutral is v with every bit whose writing as read would act
// cleared: writing it changes nothing.
func portNeutral(v uint32) uint32 { return v & (portRO | portRWS) }

// PortAckChanges returns the PORTSC value that clears the change bits set
// in v and changes nothing else.
func PortAckChanges(v uint32) uint32 { return portNeutral(v) | v&portChanges }

// PortStartReset returns the PORTSC value that starts a port reset (PR):
// the controller clears PR and sets PRC and PED when the reset is done
// (§4.19.1.1; USB 3 ports use it as a hot reset).
func PortStartReset(v uint32) uint32 { return portNeutral(v) | portPR }

// PortPowerOn returns the PORTSC value that sets Port Power, for a
// controller with port power control (HCCPARAMS1.PPC).
func PortPowerOn(v uint32) uint32 { return portNeutral(v) | portPP }

// PortDisable returns the PORTSC value that disables the port (a 1
// written to PED; USB 2 ports only).
func PortDisable(v uint32) uint32 { return portNeutral(v) | portPED }
