package xhci

// The fake controller's command ring and transfer rings.

// next reads the TRB at *deq of a ring whose consumer cycle state is
// *ccs, following Link TRBs; ok is false when the producer has not
// written it yet.
func (f *fakeHC) next(deq *uint64, ccs *bool) (TRB, uint64, bool) {
	for range 2 {
		t := f.mem.trb(*deq)
		if t.Cycle() != *ccs {
			return TRB{}, 0, false
		}
		if t.Type() != TypeLink {
			p := *deq
			*deq += TRBSize
			return t, p, true
		}
		*deq = t.Param &^ 0xF
		if t.Control&trbTC != 0 {
			*ccs = !*ccs
		}
	}
	f.t.Fatalf("fake: Link TRB to a Link TRB")
	return TRB{}, 0, false
}

// commands runs the commands on the command ring.
func (f *fakeHC) commands() bool {
	did := false
	for {
		t, p, ok := f.next(&f.cmdDeq, &f.cmdCCS)
		if !ok {
			return did
		}
		did = true
		f.cmdLog = append(f.cmdLog, t.Type())
		if f.deaf {
			continue
		}
		code, slot := f.command(t)
		f.post(Event{Type: TypeCommandComplete, Code: code, Ptr: p, Slot: slot})
	}
}

// command executes one command TRB (§4.6) and returns its completion
// code and slot.
func (f *fakeHC) command(t TRB) (Completion, int) {
	slot := t.Slot()
	var s *fakeSlot
	if t.Type() != TypeEnableSlot && t.Type() != TypeNoOpCommand {
		if slot < 1 || slot > f.maxSlots || f.slots[slot] == nil {
			return CCSlotNotEnabled, slot
		}
		s = f.slots[slot]
	}
	switch t.Type() {
	case TypeNoOpCommand:
		return CCSuccess, 0
	case TypeEnableSlot:
		for i := 1; i <= int(f.config&0xFF) && i <= f.maxSlots; i++ {
			if f.slots[i] == nil {
				f.slots[i] = &fakeSlot{}
				return CCSuccess, i
			}
		}
		return CCNoSlots, 0
	case TypeDisableSlot:
		f.slots[slot] = nil
		return CCSuccess, slot
	case TypeAddressDevice:
		return f.address(s, slot, t), slot
	case TypeEvaluateContext:
		in := f.input(t.Param)
		ctl := DecodeInputControl(in)
		if ctl.Add&^3 != 0 || s.eps[1] == nil {
			return CCParameter, slot
		}
		if ctl.Add&2 != 0 {
			e := DecodeEndpoint(InputEndpoint(in, f.ctxSize, 1))
			s.eps[1].maxPacket = e.MaxPacket
			o := f.out(s)
			oe := DecodeEndpoint(OutputEndpoint(o, f.ctxSize, 1))
			oe.MaxPacket = e.MaxPacket
			oe.Encode(OutputEndpoint(o, f.ctxSize, 1))
		}
		return CCSuccess, slot
	case TypeConfigureEP:
		return f.configure(s, t), slot
	case TypeResetEP:
		ep := s.eps[t.Endpoint()]
		if ep == nil || ep.state != EPHalted {
			return CCContextState, slot
		}
		ep.state = EPStopped
		f.setEPState(s, t.Endpoint(), EPStopped)
		return CCSuccess, slot
	case TypeStopEP:
		ep := s.eps[t.Endpoint()]
		if ep == nil || ep.state != EPRunning {
			return CCContextState, slot
		}
		ep.state = EPStopped
		f.setEPState(s, t.Endpoint(), EPStopped)
		return CCSuccess, slot
	case TypeSetTRDequeue:
		ep := s.eps[t.Endpoint()]
		if ep == nil || ep.state != EPStopped {
			return CCContextState, slot
		}
		ep.deq, ep.dcs, ep.state = t.Param&^0xF, t.Param&1 != 0, EPRunning
		f.setEPState(s, t.Endpoint(), EPRunning)
		return CCSuccess, slot
	}
	return CCTRB, slot
}

func (f *fakeHC) input(p uint64) []byte { return f.mem.at(p, InputContextSize(f.ctxSize)) }

func (f *fakeHC) out(s *fakeSlot) []byte { return f.mem.at(s.out, DeviceContextSize(f.ctxSize)) }

func (f *fakeHC) setEPState(s *fakeSlot, dci, state int) {
	b := OutputEndpoint(f.out(s), f.ctxSize, dci)
	e := DecodeEndpoint(b)
	e.State = state
	e.Encode(b)
}

// address runs Address Device (§4.6.5): the slot context and endpoint 0
// from the input context into the output context, an address, and
// SET_ADDRESS to the device.
func (f *fakeHC) address(s *fakeSlot, slot int, t TRB) Completion {
	in := f.input(t.Param)
	ctl := DecodeInputControl(in)
	sc := DecodeSlot(InputSlot(in, f.ctxSize))
	e0 := DecodeEndpoint(InputEndpoint(in, f.ctxSize, 1))
	switch {
	case ctl.Add != 3 || ctl.Drop != 0:
		f.t.Errorf("fake: Address Device with add %#x drop %#x", ctl.Add, ctl.Drop)
		return CCParameter
	case sc.RootPort < 1 || sc.RootPort > f.maxPorts || sc.Entries != 1:
		f.t.Errorf("fake: Address Device slot context %+v", sc)
		return CCParameter
	case e0.Type != EPControl || e0.MaxPacket == 0 || e0.Dequeue == 0 || !e0.DCS || e0.CErr != 3:
		f.t.Errorf("fake: Address Device endpoint 0 context %+v", e0)
		return CCParameter
	}
	p := &f.ports[sc.RootPort-1]
	if p.dev == nil || f.portsc[sc.RootPort-1]&portPED == 0 {
		return CCTransaction // nobody answers SET_ADDRESS
	}
	if Speed(sc.Speed) != p.speed {
		f.t.Errorf("fake: slot speed %d, port speed %d", sc.Speed, p.speed)
	}
	dcbaa := f.mem.dma(f.dcbaap, DCBAASize(f.maxSlots))
	s.out = dcbaa.get64(slot * 8)
	if s.out == 0 || s.out&63 != 0 {
		f.t.Errorf("fake: DCBAA[%d] = %#x", slot, s.out)
		return CCParameter
	}
	s.addr, s.dev, s.port = slot, p.dev, sc.RootPort
	s.dev.address = slot
	s.eps[1] = &fakeEP{typ: EPControl, deq: e0.Dequeue, dcs: e0.DCS, state: EPRunning, maxPacket: e0.MaxPacket}
	o := f.out(s)
	sc.State, sc.Address = SlotAddressed, slot
	sc.Encode(OutputSlot(o, f.ctxSize))
	e0.State = EPRunning
	e0.Encode(OutputEndpoint(o, f.ctxSize, 1))
	return CCSuccess
}

// configure runs Configure Endpoint (§4.6.6).
func (f *fakeHC) configure(s *fakeSlot, t TRB) Completion {
	in := f.input(t.Param)
	ctl := DecodeInputControl(in)
	if ctl.Add&1 == 0 || ctl.Add&2 != 0 {
		f.t.Errorf("fake: Configure Endpoint add flags %#x", ctl.Add)
		return CCParameter
	}
	sc := DecodeSlot(InputSlot(in, f.ctxSize))
	o := f.out(s)
	for dci := 2; dci < 32; dci++ {
		if ctl.Add&(1<<dci) == 0 {
			continue
		}
		e := DecodeEndpoint(InputEndpoint(in, f.ctxSize, dci))
		if e.Type == 0 || e.MaxPacket == 0 || e.Dequeue == 0 || dci > sc.Entries {
			f.t.Errorf("fake: endpoint %d context %+v (entries %d)", dci, e, sc.Entries)
			return CCParameter
		}
		s.eps[dci] = &fakeEP{typ: e.Type, deq: e.Dequeue, dcs: e.DCS, state: EPRunning, maxPacket: e.MaxPacket}
		e.State = EPRunning
		e.Encode(OutputEndpoint(o, f.ctxSize, dci))
	}
	old := DecodeSlot(OutputSlot(o, f.ctxSize))
	sc.State, sc.Address = SlotConfigured, old.Address
	sc.Encode(OutputSlot(o, f.ctxSize))
	return CCSuccess
}

// transfers runs the TDs queued on slot's endpoint dci.
func (f *fakeHC) transfers(slot, dci int) bool {
	if slot > f.maxSlots || f.slots[slot] == nil {
		return false
	}
	s := f.slots[slot]
	ep := s.eps[dci]
	if ep == nil || ep.state != EPRunning || s.dev == nil {
		return false
	}
	did := false
	for {
		deq, dcs := ep.deq, ep.dcs
		t, p, ok := f.next(&deq, &dcs)
		if !ok {
			return did
		}
		switch {
		case t.Type() == TypeSetup:
			if !f.control(s, ep, t, p, deq, dcs) {
				return did
			}
		case t.Type() == TypeNormal && ep.typ == EPInterruptIn:
			if len(s.dev.reports) == 0 {
				return did // NAK: the TRB waits for a report
			}
			r := s.dev.reports[0]
			s.dev.reports = s.dev.reports[1:]
			n := int(t.Status & lengthMask)
			w := copy(f.mem.at(t.Param, n), r)
			code := CCSuccess
			if w < n {
				code = CCShortPacket
			}
			ep.deq, ep.dcs = deq, dcs
			f.post(Event{Type: TypeTransferEvent, Code: code, Ptr: p, Slot: slot, DCI: dci, Len: n - w})
		default:
			f.t.Errorf("fake: TRB type %d on endpoint %d", t.Type(), dci)
			ep.deq, ep.dcs = deq, dcs
		}
		did = true
	}
}

// control runs one control TD from its Setup Stage TRB t at p; deq and
// dcs are the ring's position after it. It reports whether the TD was
// complete on the ring (and was run).
func (f *fakeHC) control(s *fakeSlot, ep *fakeEP, t TRB, p, deq uint64, dcs bool) bool {
	if t.Control&trbIDT == 0 || t.Status&lengthMask != 8 {
		f.t.Errorf("fake: Setup Stage %v", t)
	}
	var setup [8]byte
	for i := range setup {
		setup[i] = byte(t.Param >> (8 * i))
	}
	data, dp, ok := f.next(&deq, &dcs)
	if !ok {
		return false
	}
	status, sp := data, dp
	hasData := data.Type() == TypeData
	if hasData {
		if status, sp, ok = f.next(&deq, &dcs); !ok {
			return false
		}
	}
	if status.Type() != TypeStatus {
		f.t.Errorf("fake: control TD ends with type %d", status.Type())
	}
	wLength := int(setup[6]) | int(setup[7])<<8
	in := setup[0]&0x80 != 0
	trt := t.Control >> trtShift & 3
	if hasData && (wLength != int(data.Status&lengthMask) || (data.Control&trbDirIn != 0) != in ||
		in && trt != trtIn || !in && trt != trtOut) || !hasData && (wLength != 0 || trt != trtNoData) {
		f.t.Errorf("fake: control TD setup % x, data %v, TRT %d", setup, data, trt)
	}
	if (status.Control&trbDirIn != 0) != (!hasData || !in) {
		f.t.Errorf("fake: status stage direction wrong for setup % x", setup)
	}
	var out []byte
	if hasData && !in {
		out = append(out, f.mem.at(data.Param, wLength)...)
	}
	resp, stall := s.dev.control(setup, out)
	ep.deq, ep.dcs = deq, dcs
	if stall {
		// The device stalls the data or status stage: the TD ends with
		// the error, the endpoint halts, the dequeue stays on the TRB.
		ptr := sp
		if hasData {
			ptr = dp
		}
		ep.state = EPHalted
		f.setEPState(s, 1, EPHalted)
		f.post(Event{Type: TypeTransferEvent, Code: CCStall, Ptr: ptr, Slot: s.addr, DCI: 1})
		return true
	}
	if hasData && in {
		w := copy(f.mem.at(data.Param, wLength), resp)
		if w < wLength {
			f.post(Event{Type: TypeTransferEvent, Code: CCShortPacket, Ptr: dp, Slot: s.addr, DCI: 1, Len: wLength - w})
		}
	}
	f.post(Event{Type: TypeTransferEvent, Code: CCSuccess, Ptr: sp, Slot: s.addr, DCI: 1})
	return true
}
