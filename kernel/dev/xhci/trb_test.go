package xhci

import "testing"

// TestTRBEncodings checks each TRB against the bit positions of its
// figure in §6.4.
func TestTRBEncodings(t *testing.T) {
	getDesc := [8]byte{0x80, 6, 0, 1, 0, 0, 18, 0}
	for _, c := range []struct {
		name string
		got  TRB
		want TRB
	}{
		{"Normal", Normal(0x1234_5000, 8), TRB{0x1234_5000, 8, 1<<10 | trbIOC | trbISP}},
		{"Setup IN", SetupStage(getDesc, true, true), TRB{0x0012_0000_0100_0680, 8, 2<<10 | trbIDT | 3<<16}},
		{"Setup OUT", SetupStage([8]byte{0x21, 9, 0, 2, 0, 0, 1, 0}, true, false), TRB{0x0001_0000_0200_0921, 8, 2<<10 | trbIDT | 2<<16}},
		{"Setup no data", SetupStage([8]byte{0, 9, 1}, false, false), TRB{0x0000_0000_0001_0900, 8, 2<<10 | trbIDT}},
		{"Data IN", DataStage(0x8000, 18, true), TRB{0x8000, 18, 3<<10 | trbISP | 1<<16}},
		{"Data OUT", DataStage(0x8000, 1, false), TRB{0x8000, 1, 3<<10 | trbISP}},
		{"Status IN", StatusStage(true), TRB{0, 0, 4<<10 | trbIOC | 1<<16}},
		{"Status OUT", StatusStage(false), TRB{0, 0, 4<<10 | trbIOC}},
		{"Link", Link(0x9000, true), TRB{0x9000, 0, 6<<10 | trbTC}},
		{"No Op", NoOp(), TRB{0, 0, 8<<10 | trbIOC}},
		{"No Op Command", NoOpCommand(), TRB{0, 0, 23 << 10}},
		{"Enable Slot", EnableSlot(), TRB{0, 0, 9 << 10}},
		{"Disable Slot", DisableSlot(5), TRB{0, 0, 10<<10 | 5<<24}},
		{"Address Device", AddressDevice(0xA000, 3, false), TRB{0xA000, 0, 11<<10 | 3<<24}},
		{"Address Device BSR", AddressDevice(0xA000, 3, true), TRB{0xA000, 0, 11<<10 | 1<<9 | 3<<24}},
		{"Configure Endpoint", ConfigureEndpoint(0xB000, 2, false), TRB{0xB000, 0, 12<<10 | 2<<24}},
		{"Deconfigure", ConfigureEndpoint(0, 2, true), TRB{0, 0, 12<<10 | 1<<9 | 2<<24}},
		{"Evaluate Context", EvaluateContext(0xC000, 7), TRB{0xC000, 0, 13<<10 | 7<<24}},
		{"Reset Endpoint", ResetEndpoint(4, 3), TRB{0, 0, 14<<10 | 3<<16 | 4<<24}},
		{"Stop Endpoint", StopEndpoint(4, 1), TRB{0, 0, 15<<10 | 1<<16 | 4<<24}},
		{"Set TR Dequeue", SetTRDequeue(4, 3, 0xD010, true), TRB{0xD011, 0, 16<<10 | 3<<16 | 4<<24}},
	} {
		if c.got != c.want {
			t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestEvents(t *testing.T) {
	for _, c := range []struct {
		trb  TRB
		want Event
	}{
		// Transfer Event (Figure 6-38): 5 bytes short, on slot 2's EP 1 IN.
		{TRB{0x5010, 13<<24 | 5, 32<<10 | 3<<16 | 2<<24 | 1}, Event{Type: 32, Code: CCShortPacket, Ptr: 0x5010, Slot: 2, DCI: 3, Len: 5}},
		// Command Completion Event (Figure 6-39): Enable Slot gave slot 1.
		{TRB{0x4000, 1 << 24, 33<<10 | 1<<24 | 1}, Event{Type: 33, Code: CCSuccess, Ptr: 0x4000, Slot: 1}},
		// Port Status Change Event (Figure 6-40): port 3.
		{TRB{3 << 24, 1 << 24, 34<<10 | 1}, Event{Type: 34, Code: CCSuccess, Port: 3}},
		{TRB{0, 21 << 24, 37 << 10}, Event{Type: 37, Code: CCEventRingFull}},
	} {
		got := DecodeEvent(c.trb)
		if got != c.want {
			t.Errorf("%v: %+v, want %+v", c.trb, got, c.want)
		}
		back := EncodeEvent(got)
		back.Control |= c.trb.Control & trbCycle
		if back != c.trb {
			t.Errorf("EncodeEvent(%+v) = %v, want %v", got, back, c.trb)
		}
	}
	if CCStall.String() != "stall" || Completion(200).String() != "completion code 200" || !CCShortPacket.OK() || CCStall.OK() {
		t.Error("completion codes")
	}
}
