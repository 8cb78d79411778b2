package usb

// The hub class: USB 2.0 chapter 11 (§11.23.2.1 hub descriptor,
// §11.24.2 requests, §11.24.2.7 port status) and USB 3.2 chapter 10
// (§10.15.2.1 SuperSpeed hub descriptor, §10.16.2.6 port status).

// ClassHub is the hub device class (bDeviceClass and bInterfaceClass).
const ClassHub = 9

// Hub is a hub descriptor, of either kind.
type Hub struct {
	Ports           int
	Characteristics uint16 // wHubCharacteristics
	PowerOnGood     int    // bPwrOn2PwrGood in ms: wait this long after powering a port
	Removable       []bool // index p-1: the device on port p is removable
	SuperSpeed      bool
	HeaderDecodeLat uint8  // SuperSpeed only
	HubDelay        uint16 // SuperSpeed only, ns
}

// maxSSHubPorts: a USB 3.x hub has at most 15 ports (USB 3.2
// §10.15.2.1); a USB 2.0 hub up to 255.
const maxSSHubPorts = 15

// ParseHub decodes a USB 2.0 hub descriptor (type 0x29): 7 bytes, then
// the DeviceRemovable bitmap ((ports+1)/8 bytes, rounded up), then
// PortPwrCtrlMask, which only USB 1.0 software used. The descriptor must
// hold DeviceRemovable; PortPwrCtrlMask is not checked, as Linux does not
// (QEMU's usb-hub sends it one byte short for 8 ports). A hub with no
// ports is refused.
func ParseHub(b []byte) (Hub, error) {
	if err := header(b, "hub", DescHub, 7, true); err != nil {
		return Hub{}, err
	}
	n := int(b[2])
	mapBytes := (n + 1 + 7) / 8 // bit 0 is reserved, bits 1..n the ports
	if n == 0 {
		return Hub{}, descErr("hub", "no ports")
	}
	if int(b[0]) < 7+mapBytes {
		return Hub{}, descErr("hub", "bLength %d for %d ports", b[0], n)
	}
	h := Hub{Ports: n, Characteristics: le16(b, 3), PowerOnGood: 2 * int(b[5])}
	h.Removable = removable(b[7:7+mapBytes], n)
	return h, nil
}

// ParseSuperSpeedHub decodes a USB 3.x hub descriptor (type 0x2A, 12
// bytes, at most 15 ports).
func ParseSuperSpeedHub(b []byte) (Hub, error) {
	if err := header(b, "SuperSpeed hub", DescSuperSpeedHub, 12, false); err != nil {
		return Hub{}, err
	}
	n := int(b[2])
	if n == 0 || n > maxSSHubPorts {
		return Hub{}, descErr("SuperSpeed hub", "%d ports", n)
	}
	h := Hub{
		Ports: n, Characteristics: le16(b, 3), PowerOnGood: 2 * int(b[5]),
		SuperSpeed: true, HeaderDecodeLat: b[7], HubDelay: le16(b, 8),
	}
	h.Removable = removable(b[10:12], n)
	return h, nil
}

// removable reads the DeviceRemovable bitmap: bit p set means the device
// on port p is not removable.
func removable(m []byte, n int) []bool {
	r := make([]bool, n)
	for p := 1; p <= n; p++ {
		r[p-1] = m[p/8]&(1<<(p%8)) == 0
	}
	return r
}

// Port features (USB 2.0 Table 11-17; USB 3.2 Table 10-9).
const (
	PortConnection  = 0
	PortEnable      = 1
	PortSuspend     = 2
	PortOverCurrent = 3
	PortReset       = 4
	PortLinkState   = 5 // USB 3
	PortPower       = 8
	PortLowSpeed    = 9 // USB 2

	CPortConnection  = 16
	CPortEnable      = 17 // USB 2
	CPortSuspend     = 18 // USB 2
	CPortOverCurrent = 19
	CPortReset       = 20
	CPortLinkState   = 25 // USB 3
	CPortConfigError = 26 // USB 3
	BHPortReset      = 28 // USB 3: warm reset
	CBHPortReset     = 29 // USB 3
)

// GetHubDescriptor asks for the hub descriptor (0x29, or 0x2A for a USB
// 3.x hub).
func GetHubDescriptor(superSpeed bool, length uint16) Setup {
	typ := uint16(DescHub)
	if superSpeed {
		typ = DescSuperSpeedHub
	}
	return Setup{DirIn | TypeClass | RecipDevice, ReqGetDescriptor, typ << 8, 0, length}
}

// GetPortStatus asks for port's wPortStatus and wPortChange (4 bytes).
func GetPortStatus(port uint8) Setup {
	return Setup{DirIn | TypeClass | RecipOther, ReqGetStatus, 0, uint16(port), 4}
}

// SetPortFeature sets feature on port.
func SetPortFeature(feature uint16, port uint8) Setup {
	return Setup{TypeClass | RecipOther, ReqSetFeature, feature, uint16(port), 0}
}

// ClearPortFeature clears feature on port (the C_ features acknowledge
// a change).
func ClearPortFeature(feature uint16, port uint8) Setup {
	return Setup{TypeClass | RecipOther, ReqClearFeature, feature, uint16(port), 0}
}

// SetHubDepth tells a USB 3.x hub its depth in the tree (0 for a hub on
// a root port), which it needs to route packets (USB 3.2 §10.16.2.9).
func SetHubDepth(depth uint16) Setup {
	return Setup{TypeClass | RecipDevice, ReqHubSetHubDepth, depth, 0, 0}
}

// Hub features (USB 2.0 Table 11-17): the hub's own change bits, in
// wHubChange of GetHubStatus, acknowledged by ClearHubFeature.
const (
	CHubLocalPower  = 0
	CHubOverCurrent = 1
)

// GetHubStatus asks for the hub's wHubStatus and wHubChange (4 bytes,
// USB 2.0 §11.24.2.6): bit 0 local power source, bit 1 over-current.
func GetHubStatus() Setup {
	return Setup{DirIn | TypeClass | RecipDevice, ReqGetStatus, 0, 0, 4}
}

// ClearHubFeature clears feature of the hub itself (USB 2.0 §11.24.2.1).
func ClearHubFeature(feature uint16) Setup {
	return Setup{TypeClass | RecipDevice, ReqClearFeature, feature, 0, 0}
}
