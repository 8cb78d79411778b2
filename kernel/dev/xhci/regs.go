package xhci

// Register offsets and fields. Capability registers (§5.3) are at the
// start of BAR 0; the operational registers (§5.4) at CAPLENGTH; the
// runtime registers (§5.5) at RTSOFF; the doorbells (§5.6) at DBOFF.

// Capability registers (§5.3, Table 5-9).
const (
	capLength   = 0x00 // byte: offset of the operational registers
	capVersion  = 0x02 // HCIVERSION, BCD
	capHCS1     = 0x04 // HCSPARAMS1 (§5.3.3)
	capHCS2     = 0x08 // HCSPARAMS2 (§5.3.4)
	capHCS3     = 0x0C
	capHCC1     = 0x10 // HCCPARAMS1 (§5.3.6)
	capDBOff    = 0x14 // DBOFF (§5.3.7), bits 31:2
	capRTSOff   = 0x18 // RTSOFF (§5.3.8), bits 31:5
	capHCC2     = 0x1C
	capRegsSize = 0x20
)

// HCCPARAMS1 bits (§5.3.6).
const (
	hcc1AC64 = 1 << 0 // 64-bit addressing
	hcc1CSZ  = 1 << 2 // 64-byte contexts
	hcc1PPC  = 1 << 3 // port power control
)

// Operational registers (§5.4, Table 5-18), from CAPLENGTH.
const (
	opUSBCMD   = 0x00
	opUSBSTS   = 0x04
	opPageSize = 0x08
	opDNCTRL   = 0x14
	opCRCR     = 0x18 // 64-bit
	opDCBAAP   = 0x30 // 64-bit
	opCONFIG   = 0x38
	opPorts    = 0x400 // port register sets, 0x10 each (§5.4.8)
	portSetLen = 0x10
)

// USBCMD bits (§5.4.1).
const (
	cmdRun   = 1 << 0 // Run/Stop
	cmdReset = 1 << 1 // HCRST
	cmdINTE  = 1 << 2 // interrupter enable
	cmdHSEE  = 1 << 3 // host system error enable
)

// USBSTS bits (§5.4.2). HSE, EINT, PCD and SRE are write-1-to-clear.
const (
	stsHalted = 1 << 0  // HCH
	stsHSE    = 1 << 2  // host system error
	stsEINT   = 1 << 3  // event interrupt
	stsPCD    = 1 << 4  // port change detect
	stsCNR    = 1 << 11 // controller not ready
	stsHCE    = 1 << 12 // host controller error
	stsRW1C   = stsHSE | stsEINT | stsPCD | 1<<10
)

// CRCR bits (§5.4.5).
const (
	crcrRCS = 1 << 0 // ring cycle state
	crcrCS  = 1 << 1 // command stop
	crcrCA  = 1 << 2 // command abort
	crcrCRR = 1 << 3 // command ring running
)

// Runtime registers (§5.5): interrupter register sets from 0x20, 32
// bytes each (§5.5.2).
const (
	rtIR0     = 0x20
	irSetLen  = 0x20
	irIMAN    = 0x00
	irIMOD    = 0x04
	irERSTSZ  = 0x08
	irERSTBA  = 0x10   // 64-bit
	irERDP    = 0x18   // 64-bit
	imanIP    = 1 << 0 // interrupt pending, write 1 to clear
	imanIE    = 1 << 1 // interrupt enable
	erdpEHB   = 1 << 3 // event handler busy, write 1 to clear
	erdpDESI  = 7      // dequeue ERST segment index
	imodDelay = 4000   // IMODI in 250 ns units: at most 1000 interrupts a second
)

// Doorbells (§5.6): DB 0 is the host controller's (target 0: the command
// ring); DB n is slot n's, its target the endpoint's DCI.
const dbStreamShift = 16

// Extended capabilities (§7): a list of dwords from HCCPARAMS1's xECP.
const (
	xcapLegacy    = 1 // USB Legacy Support (§7.1)
	xcapProtocol  = 2 // Supported Protocol (§7.2)
	legBIOSOwned  = 1 << 16
	legOSOwned    = 1 << 24
	legCtlSts     = 4                          // USBLEGCTLSTS (§7.1.2), from the capability
	legSMIDisable = 0x7<<1 | 0xFF<<5 | 0x7<<17 // the reserved bits, kept (Linux's XHCI_LEGACY_DISABLE_SMI)
	legSMIEvents  = 0x7 << 29                  // SMI status bits, write 1 to clear
)
