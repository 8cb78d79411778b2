package xhci

import (
	"testing"
)

// fakeHC is a fake xHCI controller behind MMIO: the registers the driver
// uses with their access rules (RW1C, RW1S, RWS), the BIOS handoff, the
// reset and run/stop states, a command ring it consumes, transfer rings,
// one event ring it produces into, and root ports with devices. It works
// when step is called, like hardware between two looks by the driver:
// the test's idle function calls it.
type fakeHC struct {
	t   testing.TB
	mem *fakeMem

	ctxSize, maxSlots, maxPorts, scratch int
	noLegacy                             bool
	no64                                 bool // AC64 clear: 32-bit DMA addresses only

	usbcmd, usbsts, config uint32
	crcr, dcbaap           uint64
	iman, imod, erstsz     uint32
	erstba, erdp           uint64
	legsup, legctl         uint32
	portsc                 []uint32

	resetLeft int // steps until HCRST completes
	runLeft   int // steps until R/S takes effect
	biosLeft  int // steps until the firmware lets go

	cmdDeq  uint64
	cmdCCS  bool
	bells   []int // doorbells rung: slot<<8 | target
	evBase  uint64
	evSize  int
	evEnq   int
	evPCS   bool
	evFull  int
	slots   []*fakeSlot
	ports   []fakePort
	irq     func()
	irqWant bool // an interrupt to deliver at the end of the step
	irqs    int
	steps   int
	cmdLog  []int
	dbLog   []uint32
	regLog  []string
	logRegs bool

	// Faults.
	stuckReset   bool // HCRST never clears
	biosForever  bool // the firmware never releases the controller
	deaf         bool // commands are never completed
	resetForever bool // port resets never end
}

type fakePort struct {
	dev       *fakeDevice
	speed     Speed
	resetLeft int
	usb3      bool
}

type fakeSlot struct {
	out  uint64 // the output device context
	eps  [32]*fakeEP
	addr int
	dev  *fakeDevice
	port int
}

type fakeEP struct {
	typ       int
	deq       uint64
	dcs       bool
	state     int
	maxPacket int
}

// Register layout: as QEMU's qemu-xhci, with the extended capabilities
// at 0x800 (a Supported Protocol capability, then USB Legacy Support).
const (
	fOp      = 0x40
	fRT      = 0x1000
	fDB      = 0x2000
	fXECP    = 0x800
	fLegacy  = 0x810
	fRegSize = 0x4000
)

func newFakeHC(t testing.TB, mem *fakeMem, ports int) *fakeHC {
	f := &fakeHC{t: t, mem: mem, ctxSize: 32, maxSlots: 32, maxPorts: ports, scratch: 2,
		usbsts: stsHalted, legsup: xcapLegacy | legBIOSOwned, portsc: make([]uint32, ports),
		ports: make([]fakePort, ports), cmdCCS: true}
	f.slots = make([]*fakeSlot, f.maxSlots+1)
	for i := range f.portsc {
		f.portsc[i] = portPP | LinkRxDetect<<5
	}
	return f
}

func (f *fakeHC) Read32(off uintptr) uint32 {
	v := f.read32(off)
	if f.logRegs {
		f.regLog = append(f.regLog, sprintf("r %#x=%#x", off, v))
	}
	return v
}

func (f *fakeHC) read32(off uintptr) uint32 {
	switch {
	case off == capLength:
		return fOp | 0x0100<<16
	case off == capHCS1:
		return uint32(f.maxSlots) | 1<<8 | uint32(f.maxPorts)<<24
	case off == capHCS2:
		return 2<<4 | uint32(f.scratch>>5)<<21 | uint32(f.scratch&0x1F)<<27
	case off == capHCC1:
		v := uint32(hcc1AC64) | (fXECP/4)<<16
		if f.no64 {
			v &^= hcc1AC64
		}
		if f.ctxSize == 64 {
			v |= hcc1CSZ
		}
		return v
	case off == capDBOff:
		return fDB
	case off == capRTSOff:
		return fRT
	case off == fOp+opUSBCMD:
		return f.usbcmd
	case off == fOp+opUSBSTS:
		return f.usbsts
	case off == fOp+opPageSize:
		return 1
	case off == fOp+opCONFIG:
		return f.config
	case off == fOp+opCRCR:
		return 0 // reads as zero but CRR (§5.4.5)
	case off >= fOp+opPorts && off < fOp+opPorts+uintptr(f.maxPorts)*portSetLen:
		if (off-fOp-opPorts)%portSetLen == 0 {
			return f.portsc[(off-fOp-opPorts)/portSetLen]
		}
	case off == fRT+rtIR0+irIMAN:
		return f.iman
	case off == fRT+rtIR0+irIMOD:
		return f.imod
	case off == fRT+rtIR0+irERSTSZ:
		return f.erstsz
	case off == fXECP:
		if f.noLegacy {
			return xcapProtocol
		}
		return xcapProtocol | 4<<8 // next: 4 dwords on
	case off == fLegacy:
		return f.legsup
	case off == fLegacy+legCtlSts:
		return f.legctl
	}
	return 0
}

func (f *fakeHC) Write32(off uintptr, v uint32) {
	if f.logRegs {
		f.regLog = append(f.regLog, sprintf("w %#x=%#x", off, v))
	}
	switch {
	case off == fOp+opUSBCMD:
		if v&cmdReset != 0 && f.usbcmd&cmdReset == 0 {
			if f.usbsts&stsHalted == 0 {
				f.t.Errorf("fake: HCRST while running (§5.4.1: undefined)")
			}
			f.usbcmd, f.resetLeft = cmdReset, 3
			f.usbsts = stsHalted | stsCNR
			f.hardReset()
			return
		}
		if v&cmdRun != f.usbcmd&cmdRun {
			f.runLeft = 1
		}
		f.usbcmd = v&^cmdReset | f.usbcmd&cmdReset
	case off == fOp+opUSBSTS:
		f.usbsts &^= v & stsRW1C
	case off == fOp+opCONFIG:
		f.config = v
	case off >= fOp+opPorts && off < fOp+opPorts+uintptr(f.maxPorts)*portSetLen:
		if (off-fOp-opPorts)%portSetLen == 0 {
			f.writePortSC(int((off-fOp-opPorts)/portSetLen), v)
		}
	case off == fRT+rtIR0+irIMAN:
		f.iman = f.iman&^(v&imanIP)&^imanIE | v&imanIE // IP is RW1C, IE RW
	case off == fRT+rtIR0+irIMOD:
		f.imod = v
	case off == fRT+rtIR0+irERSTSZ:
		f.erstsz = v
	case off >= fDB && off < fDB+uintptr(f.maxSlots+1)*4:
		f.dbLog = append(f.dbLog, uint32(off-fDB)/4<<8|v)
		f.bells = append(f.bells, int(off-fDB)/4<<8|int(v&0xFF))
	case off == fLegacy:
		f.legsup = f.legsup&^(legOSOwned|legBIOSOwned) | v&legOSOwned | v&legBIOSOwned&f.legsup
		if v&legBIOSOwned == 0 && f.legsup&legBIOSOwned != 0 && v&legOSOwned != 0 && f.biosForever {
			// The OS cleared BIOS Owned itself (the forced handoff).
			f.legsup &^= legBIOSOwned
		}
		if f.legsup&legOSOwned != 0 && f.biosLeft == 0 {
			f.biosLeft = 3
		}
	case off == fLegacy+legCtlSts:
		f.legctl = f.legctl&legSMIEvents&^(v&legSMIEvents) | v&^legSMIEvents // status RW1C, the rest RW
	default:
		f.t.Errorf("fake: write of %#x to register %#x", v, off)
	}
}

func (f *fakeHC) Write64(off uintptr, v uint64) {
	if f.logRegs {
		f.regLog = append(f.regLog, sprintf("w64 %#x=%#x", off, v))
	}
	switch off {
	case fOp + opCRCR:
		f.cmdDeq, f.cmdCCS = v&^63, v&crcrRCS != 0
	case fOp + opDCBAAP:
		f.dcbaap = v
	case fRT + rtIR0 + irERSTBA:
		f.erstba = v
		e := f.mem.dma(v, ERSTEntrySize)
		f.evBase, f.evSize, f.evEnq, f.evPCS = e.get64(0), int(e.get32(8)), 0, true
	case fRT + rtIR0 + irERDP:
		if v&erdpEHB != 0 {
			f.erdp = v &^ 0xF
		} else {
			f.erdp = v&^0xF | f.erdp&erdpEHB
		}
		// Events still on the ring interrupt again (§4.17.2).
		if f.evPending() {
			f.interrupt()
		}
	default:
		f.t.Errorf("fake: 64-bit write of %#x to register %#x", v, off)
	}
}

// hardReset returns the controller to its power-on state (§4.2).
func (f *fakeHC) hardReset() {
	f.config, f.crcr, f.dcbaap, f.iman, f.imod, f.erstsz, f.erstba, f.erdp = 0, 0, 0, 0, 0, 0, 0, 0
	f.evBase, f.evSize, f.bells = 0, 0, nil
	f.slots = make([]*fakeSlot, f.maxSlots+1)
}

// writePortSC applies a write to PORTSC i with its rules (§5.4.8).
func (f *fakeHC) writePortSC(i int, v uint32) {
	p := &f.ports[i]
	old := f.portsc[i]
	n := old &^ (v & portChanges) // RW1C change bits
	n = n&^portRWS | v&portRWS&^portPLS | old&portPLS
	if v&portPED != 0 && old&portPED != 0 {
		n &^= portPED // a 1 disables
		if p.usb3 {
			f.t.Errorf("fake: PED written on a USB 3 port")
		}
	}
	if v&portPR != 0 && old&portCCS != 0 {
		n = n&^portPED | portPR
		p.resetLeft = 2
	}
	f.portsc[i] = n
}

// attach connects dev to port (from 1) at speed s: CCS and CSC, and a
// Port Status Change Event. A USB 3 port enables itself (link training).
func (f *fakeHC) attach(port int, dev *fakeDevice, s Speed) {
	p := &f.ports[port-1]
	p.dev, p.speed, p.usb3 = dev, s, s.USB3()
	v := f.portsc[port-1]&^(portSpeed|portPLS) | portCCS | portCSC | uint32(s)<<10
	if p.usb3 {
		v |= portPED // U0
	} else {
		v |= LinkPolling << 5
	}
	f.portsc[port-1] = v
	f.portEvent(port)
}

// detach unplugs port's device.
func (f *fakeHC) detach(port int) {
	f.ports[port-1].dev = nil
	f.portsc[port-1] = f.portsc[port-1]&^(portCCS|portPED|portSpeed|portPLS) | portCSC | LinkRxDetect<<5
	f.portEvent(port)
}

func (f *fakeHC) portEvent(port int) {
	if f.usbcmd&cmdRun != 0 {
		f.post(Event{Type: TypePortStatus, Code: CCSuccess, Port: port})
	}
	f.usbsts |= stsPCD
}

// running reports whether the controller runs.
func (f *fakeHC) running() bool { return f.usbsts&stsHalted == 0 }

// step advances the hardware by one tick, delivers an interrupt it
// raised, and reports whether anything happened that the driver may be
// waiting for. One interrupt per step: a step stands for the
// moderation interval (IMOD), so an interrupt raised by the handler
// itself (events left on the ring) comes at the next step.
func (f *fakeHC) step() bool {
	busy := f.tick()
	if f.irqWant && f.irq != nil {
		f.irqWant = false
		f.irqs++
		f.irq()
		busy = true
	}
	return busy
}

func (f *fakeHC) tick() bool {
	f.steps++
	busy := false
	if f.resetLeft > 0 && !f.stuckReset {
		if f.resetLeft--; f.resetLeft == 0 {
			f.usbcmd &^= cmdReset
			f.usbsts &^= stsCNR
			for i := range f.portsc {
				if f.ports[i].dev != nil {
					f.portsc[i] |= portCSC // seen again after the reset
				}
			}
		}
		busy = true
	}
	if f.runLeft > 0 {
		f.runLeft = 0
		if f.usbcmd&cmdRun != 0 {
			f.usbsts &^= stsHalted
		} else {
			f.usbsts |= stsHalted
		}
		busy = true
	}
	if f.biosLeft > 0 && !f.biosForever {
		if f.biosLeft--; f.biosLeft == 0 {
			f.legsup &^= legBIOSOwned
		}
		busy = true
	}
	for i := range f.ports {
		p := &f.ports[i]
		if p.resetLeft > 0 && !f.resetForever {
			if p.resetLeft--; p.resetLeft == 0 && f.portsc[i]&portCCS != 0 {
				f.portsc[i] = f.portsc[i]&^(portPR|portPLS) | portPRC | portPED | LinkU0<<5
				f.portEvent(i + 1)
			}
			busy = true
		}
	}
	if !f.running() {
		return busy
	}
	bells := f.bells
	f.bells = nil
	for _, b := range bells {
		if b>>8 == 0 {
			busy = f.commands() || busy
		} else {
			busy = f.transfers(b>>8, b&0xFF) || busy
		}
	}
	// Interrupt endpoints with a transfer waiting: a report may have come.
	for slot, s := range f.slots {
		if s == nil {
			continue
		}
		for dci, ep := range s.eps {
			if ep != nil && ep.typ == EPInterruptIn && ep.state == EPRunning && s.dev != nil && len(s.dev.reports) > 0 {
				busy = f.transfers(slot, dci) || busy
			}
		}
	}
	return busy
}

// post writes an event onto the event ring and interrupts.
func (f *fakeHC) post(e Event) {
	if f.evSize == 0 {
		f.t.Fatalf("fake: event %+v with no event ring", e)
	}
	next := (f.evEnq + 1) % f.evSize
	if f.evBase+uint64(next*TRBSize) == f.erdp&^0xF {
		f.evFull++ // the ring is full: the event is lost (§4.9.4)
		return
	}
	t := EncodeEvent(e)
	d := f.mem.dma(f.evBase+uint64(f.evEnq*TRBSize), TRBSize)
	d.put64(0, t.Param)
	d.put32(8, t.Status)
	c := t.Control
	if f.evPCS {
		c |= trbCycle
	}
	d.store32(12, c)
	if f.evEnq = next; f.evEnq == 0 {
		f.evPCS = !f.evPCS
	}
	f.interrupt()
}

func (f *fakeHC) evPending() bool {
	return f.evSize > 0 && f.evBase+uint64(f.evEnq*TRBSize) != f.erdp&^0xF
}

// interrupt sets IP, EHB and EINT (§4.17.2); the interrupt itself is
// delivered at the end of the step, as a CPU takes it after the
// instruction that caused it, never inside the handler.
func (f *fakeHC) interrupt() {
	f.usbsts |= stsEINT
	if f.iman&imanIP != 0 && f.erdp&erdpEHB != 0 {
		return // already pending, not yet handled
	}
	f.iman |= imanIP
	f.erdp |= erdpEHB
	if f.iman&imanIE != 0 && f.usbcmd&cmdINTE != 0 {
		f.irqWant = true
	}
}
