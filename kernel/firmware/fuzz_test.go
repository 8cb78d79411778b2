package firmware

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// FuzzProbe runs Probe over memory made of the fuzzer's bytes, mapped at
// every multiple of their length (so every address Probe follows lands in
// them, and the legacy scans see them), with a loader RSDP copy and an
// EFI system table address from the fuzzer too. Probe must not panic,
// must stay within its read budget, and its Machine must print.
//
//	go test -run '^$' -fuzz FuzzProbe -fuzztime 30s -fuzzminimizetime 10x ./kernel/firmware/
//
// (The default minimisation, up to 60 s per new input, would spend most
// of a short run shrinking inputs.)
func FuzzProbe(f *testing.F) {
	img := synthImage(synthOpts{fadtRev: 3, bootArch: 2})
	f.Add(img, []byte(nil), uint64(0))
	f.Add(img, []byte(nil), uint64(synthEFI))
	f.Add(img, append([]byte(nil), img[synthRSDP:synthRSDP+rsdpSize2]...), uint64(synthEFI))
	f.Add(img[:0x300], img[synthRSDP:synthRSDP+rsdpSize1], uint64(0))
	f.Add([]byte{}, []byte(nil), uint64(0))
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{16, 4096, 65536} {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		f.Add(b, b[:min(n, 36)], r.Uint64())
	}
	// Structures alone at odd places, so the mutator can shuffle them.
	small := make([]byte, 0x400)
	copy(small[0x10:], img[synthSM32:synthSM32+0x1f])
	copy(small[0x40:], img[synthRSDP:synthRSDP+rsdpSize2])
	binary.LittleEndian.PutUint32(small[0x40+rsdpRSDT:], 0x100)
	fixSum(small[0x40:0x40+rsdpSize1], 8)
	copy(small[0x100:], acpiTable("RSDT", 1, []byte{0, 2, 0, 0}))
	copy(small[0x200:], acpiTable("FACP", 3, make([]byte, 244-headerSize)))
	f.Add(small, []byte(nil), uint64(0))

	f.Fuzz(func(t *testing.T, mem, rsdp []byte, efi uint64) {
		w := &wrapReader{mem: mem}
		m, err := Probe(Input{RSDP: rsdp, EFISystemTable: efi, Read: w.read})
		if w.total > ReadBudget {
			t.Fatalf("read %d bytes, budget %d", w.total, ReadBudget)
		}
		_ = m.String()
		if err != nil {
			_ = err.Error()
		}
		if m.Know8042 && m.FADTRevision < 2 {
			t.Fatalf("Know8042 with FADT revision %d", m.FADTRevision)
		}
	})
}

// A short run of the fuzz body over random memory, so that go test alone
// exercises it beyond the seeds.
func TestProbeRandomMemory(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	img := synthImage(synthOpts{fadtRev: 6, bootArch: 2})
	for i := range 300 {
		var mem []byte
		if i%2 == 0 {
			mem = make([]byte, 1+r.IntN(8192))
			for j := range mem {
				mem[j] = byte(r.Uint32())
			}
		} else { // the synthetic machine with random bytes flipped
			mem = append([]byte(nil), img...)
			for range 1 + r.IntN(64) {
				mem[r.IntN(len(mem))] = byte(r.Uint32())
			}
		}
		w := &wrapReader{mem: mem}
		m, _ := Probe(Input{EFISystemTable: uint64(r.IntN(2)) * synthEFI, Read: w.read})
		_ = m.String()
		if w.total > ReadBudget {
			t.Fatalf("read %d bytes", w.total)
		}
	}
}
