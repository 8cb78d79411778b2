package xhci

import "testing"

func TestRouteAndTT(t *testing.T) {
	if r := Route(0, 1, 3); r != 0x3 {
		t.Errorf("tier 1: %#x", r)
	}
	if r := Route(0x3, 2, 20); r != 0xF3 {
		t.Errorf("tier 2, port 20: %#x", r)
	}
	if r := Route(0x3, 6, 1); r != 0x3 {
		t.Errorf("tier 6: %#x", r)
	}
	c := &Controller{Caps: Caps{ContextSize: 32}}
	hub := &Device{c: c, Slot: 4, Loc: Location{RootPort: 1, Speed: SpeedHigh}, out: DMA{Mem: make([]byte, 1024)}}
	SlotContext{MTT: true}.Encode(hub.out.Mem)
	l := hub.At(2, SpeedLow)
	if l != (Location{RootPort: 1, Route: 2, Depth: 1, Speed: SpeedLow, TTHubSlot: 4, TTPort: 2, MTT: true}) {
		t.Errorf("low speed behind a high-speed hub: %+v", l)
	}
	fsHub := &Device{c: c, Slot: 6, Loc: l}
	l2 := fsHub.At(3, SpeedFull)
	if l2.TTHubSlot != 4 || l2.TTPort != 2 || l2.Route != 0x32 || l2.Depth != 2 {
		t.Errorf("behind a full-speed hub: %+v", l2)
	}
	if hs := hub.At(1, SpeedHigh); hs.TTHubSlot != 0 {
		t.Errorf("high speed needs no TT: %+v", hs)
	}
}
