package xhci

import (
	"errors"
	"fmt"
	"sync/atomic"

	"gokernel/task"
	"gokernel/task/ring"
)

// Config is what the kernel gives a controller.
type Config struct {
	Regs     MMIO         // BAR 0, mapped uncached
	RegsSize uintptr      // BAR 0's size (required): no register at or past it is touched
	Mem      Memory       // DMA memory
	Timers   *task.Timers // the executor's timers (task.DefaultTimers if nil)
	Slots    int          // device slots to enable (0: all the controller has, at most 255)
}

// Controller is one xHCI controller. Its methods are for the tasks of
// one executor (one goroutine), except Interrupt.
type Controller struct {
	Caps Caps

	r     MMIO
	size  uintptr
	mem   Memory
	q     *task.Timers
	slots int

	dcbaa   DMA
	spArray DMA
	spPages []DMA
	cmdMem  DMA
	cmd     *Ring
	evMem   DMA
	erst    DMA
	ev      *EventRing

	// Interrupt to Run: events in a lock-free ring, the dispatcher's
	// waker, and what did not fit.
	queue    *ring.Ring[TRB]
	qWaker   task.AtomicWaker
	deferred atomic.Uint64 // interrupts that left events on the event ring because the queue was full

	// Run's state (the executor's goroutine only).
	cmds    map[uint64]*op // command TRB address -> its command
	devs    [256]*Device   // by slot
	ports   []portState    // by port number - 1
	portW   task.Waker     // the PortChanges consumer
	stray   uint64         // events that matched nothing in flight
	failed  error          // a fatal controller error: every later operation fails with it
	handoff bool           // the firmware did not hand over and the controller was taken
}

type portState struct {
	changed bool
}

// eventQueueSize is the number of events Interrupt can hand to Run
// before Run has taken them: as many as the event ring holds.
const eventQueueSize = 256

// Errors.
var (
	ErrTimeout     = errors.New("xhci: timed out")
	ErrDetached    = errors.New("xhci: device detached")
	ErrNotRunning  = errors.New("xhci: controller not running")
	ErrNotConnect  = errors.New("xhci: nothing connected")
	ErrBadArgument = errors.New("xhci: bad argument")
)

// New reads the capability registers and checks that the controller is
// one this driver can run. It writes nothing.
func New(cfg Config) (*Controller, error) {
	if cfg.Regs == nil || cfg.Mem == nil || cfg.RegsSize == 0 {
		return nil, ErrBadArgument
	}
	c := &Controller{r: cfg.Regs, size: cfg.RegsSize, mem: cfg.Mem, q: cfg.Timers, cmds: map[uint64]*op{}}
	if c.q == nil {
		c.q = task.DefaultTimers()
	}
	caps, err := ParseCaps(cfg.Regs)
	if err != nil {
		return nil, err
	}
	c.Caps = caps
	last := max(caps.PortSC(caps.MaxPorts)+portSetLen, caps.doorbell(caps.MaxSlots)+4, caps.ir(0, irERDP)+8)
	if last > c.size {
		return nil, fmt.Errorf("xhci: registers up to %#x, BAR 0 has %#x bytes", last, c.size)
	}
	c.slots = caps.MaxSlots
	if cfg.Slots > 0 && cfg.Slots < c.slots {
		c.slots = cfg.Slots
	}
	c.ports = make([]portState, caps.MaxPorts)
	q, err := ring.New[TRB](eventQueueSize)
	if err != nil {
		return nil, err
	}
	c.queue = q
	return c, nil
}

// HandoffForced reports whether the firmware never released the
// controller and Start took it anyway.
func (c *Controller) HandoffForced() bool { return c.handoff }

// Start returns the future that brings the controller up: it takes the
// controller from the firmware (Handoff), resets it, gives it its data
// structures (setup) and runs it. Spawn Run before or after; Start does
// not need it. On failure the controller is left halted or in reset.
func (c *Controller) Start() task.Future[error] {
	return &starter{c: c}
}

type starter struct {
	c     *Controller
	phase int
	wait  task.Future[error]
}

func (s *starter) Poll(cx *task.Context) (error, bool) {
	c := s.c
	for {
		if s.wait != nil {
			err, ok := s.wait.Poll(cx)
			if !ok {
				return nil, false
			}
			s.wait = nil
			if err != nil {
				c.failed = err
				return err, true
			}
		}
		switch s.phase {
		case 0:
			off, err := FindLegacy(c.r, &c.Caps, c.size)
			if err != nil {
				c.failed = err
				return err, true
			}
			h := NewHandoff(c.r, off)
			s.wait = task.Map(Await(h, c.q), func(err error) error {
				c.handoff = h.Forced
				return err
			})
		case 1:
			s.wait = Await(ResetSequence(c.r, &c.Caps), c.q)
		case 2:
			if err := c.setup(); err != nil {
				c.releaseMem()
				c.failed = err
				return err, true
			}
			s.wait = Await(StartSequence(c.r, &c.Caps), c.q)
		case 3:
			c.powerPorts()
			c.failed = nil
			return nil, true
		}
		s.phase++
	}
}

// setup allocates and programs the data structures of a halted, reset
// controller (§4.2, steps 3-8).
func (c *Controller) setup() error {
	if c.r.Read32(c.Caps.op(opPageSize))&1 == 0 {
		return fmt.Errorf("xhci: 4 KiB pages not supported (PAGESIZE %#x)", c.r.Read32(c.Caps.op(opPageSize)))
	}
	var err error
	alloc := func(n int) DMA {
		if err != nil {
			return DMA{}
		}
		var d DMA
		if d, err = c.mem.Alloc(n); err == nil {
			if err = checkDMA(d, n, c.Caps.AC64); err != nil {
				c.mem.Free(d)
				d = DMA{}
			}
		}
		return d
	}
	c.dcbaa = alloc(DCBAASize(c.slots))
	c.cmdMem = alloc(PageSize)
	c.evMem = alloc(PageSize)
	c.erst = alloc(ERSTEntrySize)
	if n := c.Caps.Scratchpads; n > 0 {
		c.spArray = alloc(n * 8)
		pages := make([]uint64, n)
		for i := range pages {
			p := alloc(PageSize)
			c.spPages = append(c.spPages, p)
			pages[i] = p.Phys
		}
		if err == nil {
			err = ScratchpadArray(c.spArray, pages)
		}
		if err == nil {
			err = SetDCBAA(c.dcbaa, 0, c.spArray.Phys)
		}
	}
	if err != nil {
		return err
	}
	if c.cmd, err = NewRing(c.cmdMem); err != nil {
		return err
	}
	if c.ev, err = NewEventRing(c.evMem, c.erst); err != nil {
		return err
	}
	r, op := c.r, c.Caps.op
	r.Write32(op(opCONFIG), r.Read32(op(opCONFIG))&^0xFF|uint32(c.slots))
	r.Write64(op(opDCBAAP), c.dcbaa.Phys)
	r.Write64(op(opCRCR), c.cmd.Phys()|crcrRCS)
	// Interrupter 0 (§4.9.4.1): the table size, the dequeue pointer, and
	// the table's address last, which makes the controller read it.
	r.Write32(c.Caps.ir(0, irERSTSZ), 1)
	r.Write64(c.Caps.ir(0, irERDP), c.ev.Phys())
	r.Write64(c.Caps.ir(0, irERSTBA), c.erst.Phys)
	r.Write32(c.Caps.ir(0, irIMOD), imodDelay)
	r.Write32(c.Caps.ir(0, irIMAN), imanIP|imanIE)
	r.Write32(op(opUSBSTS), stsRW1C)
	return nil
}

// releaseMem frees what setup allocated.
func (c *Controller) releaseMem() {
	for _, d := range append([]DMA{c.dcbaa, c.cmdMem, c.evMem, c.erst, c.spArray}, c.spPages...) {
		if d.Mem != nil {
			c.mem.Free(d)
		}
	}
	c.dcbaa, c.cmdMem, c.evMem, c.erst, c.spArray, c.spPages = DMA{}, DMA{}, DMA{}, DMA{}, DMA{}, nil
	c.cmd, c.ev = nil, nil
}

// powerPorts turns on the ports of a controller with port power control,
// and marks every port with a device already connected as changed, so
// that the port monitor attaches it.
func (c *Controller) powerPorts() {
	for p := 1; p <= c.Caps.MaxPorts; p++ {
		v := c.r.Read32(c.Caps.PortSC(p))
		if c.Caps.PortPower && v&portPP == 0 {
			c.r.Write32(c.Caps.PortSC(p), PortPowerOn(v))
		}
		if v&portCCS != 0 {
			c.ports[p-1].changed = true
		}
	}
	c.portW.Wake()
}

// ringDoorbell rings doorbell slot (0: the command ring) for target.
func (c *Controller) ringDoorbell(slot, target int) {
	c.r.Write32(c.Caps.doorbell(slot), uint32(target))
}

// Failed returns the error that stopped the controller, or nil.
func (c *Controller) Failed() error { return c.failed }

// fail records a fatal controller error and fails every operation in
// flight with it.
func (c *Controller) fail(err error) {
	if c.failed == nil {
		c.failed = err
	}
	for ptr, o := range c.cmds {
		delete(c.cmds, ptr)
		o.finish(Event{}, err)
	}
	for _, d := range c.devs {
		if d != nil {
			d.failAll(err)
		}
	}
}
