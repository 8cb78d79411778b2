package signal

import (
	"encoding/binary"
	"testing"
	"unsafe"

	"gokernel/arch"
	"gokernel/kernel/linux"
)

// FuzzFrame builds a signal frame for a thread state, an action and an
// alternate stack drawn from the fuzzer's bytes, lets a "handler" change
// the context in the frame with more of them, and restores from it, as
// rt_sigreturn does with whatever the Go program left there. The frame
// must be placed, aligned and bounded as Linux's get_sigframe does (or
// wrap around, which the kernel's user-memory check refuses), and the
// restored state must keep what a handler may not change: the selectors,
// IF and IOPL, SIGKILL and SIGSTOP unblocked, reserved MXCSR bits clear.
func FuzzFrame(f *testing.F) {
	f.Add(uint64(0x7fff0000), uint64(0x10000), uint64(0x8000), int32(0), uint64(0x0C000004), []byte{1, 2, 3})
	f.Add(uint64(0x14000), uint64(0x10000), uint64(0x8000), int32(0), uint64(0x08000000), make([]byte, 600))
	f.Add(uint64(100), uint64(0), uint64(0), int32(2), uint64(0), []byte{})
	f.Add(^uint64(0), ^uint64(0)-10, uint64(64), int32(1), ^uint64(0), []byte{0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, sp, altSP, altSize uint64, altFlags int32, actFlags uint64, edits []byte) {
		alt := linux.StackT{SP: altSP, Flags: altFlags, Size: altSize}
		act := linux.Sigaction{Handler: 0x500000, Flags: actFlags, Restorer: 0x500100, Mask: actFlags * 3}
		l := place(sp, &act, &alt)
		if l.frame != l.lo || l.fpstate < l.frame {
			if l.lo < l.hi { // a wrapped layout is refused by UserBytes; a straight one must be sane
				t.Fatalf("layout %+v", l)
			}
		}
		size := l.hi - l.lo
		if l.lo < l.hi && size > frameSize+fpstateSize+64+16+8 {
			t.Fatalf("frame of %d bytes for sp %#x: %+v", size, sp, l)
		}
		if l.lo >= l.hi || l.lo > l.hi-size {
			return // wraps: Deliver finds no memory there (mem.UserBytes)
		}
		if (l.frame+8)%16 != 0 || l.fpstate%64 != 0 {
			t.Fatalf("misaligned frame %#x fpstate %#x", l.frame, l.fpstate)
		}
		var fr arch.Frame
		fr.RSP, fr.RIP, fr.CS, fr.SS = sp, 0x401000, 0x2b, 0x23
		fr.RFLAGS = 0x3202
		for i := 0; i < len(edits) && i < 512; i++ {
			fr.FX[i] = edits[i]
		}
		mem := make([]byte, size)
		in := Info{Signo: linux.SIGSEGV, Code: SEGV_MAPERR, Addr: 8}
		orig := fr
		if !build(mem, &l, &fr, &in, &act, 0x5, &alt) {
			t.Fatal("build refused a sane layout")
		}
		if fr.RIP != act.Handler || fr.RSP != l.frame || fr.RFLAGS&handlerClear != 0 {
			t.Fatalf("handler state rip %#x rsp %#x rflags %#x", fr.RIP, fr.RSP, fr.RFLAGS)
		}
		// The handler edits its context with the rest of the bytes.
		for i := 0; i+9 <= len(edits); i += 9 {
			off := int(edits[i]) * 2 % (len(mem) - 8)
			binary.LittleEndian.PutUint64(mem[off:], binary.LittleEndian.Uint64(edits[i+1:]))
		}
		fr.RSP += 8 // its RET popped the restorer
		mask, ok := restore(mem[ucOffset:], mem[l.fpstate-l.lo:], &fr)
		if !ok {
			t.Fatal("restore refused a whole frame")
		}
		if fr.CS != orig.CS || fr.SS != orig.SS {
			t.Fatalf("selectors %#x %#x restored from the frame", fr.CS, fr.SS)
		}
		if fr.RFLAGS&0x3200 != 0x3200 {
			t.Fatalf("IF or IOPL lost: rflags %#x", fr.RFLAGS)
		}
		if mask&(1<<(linux.SIGKILL-1)|1<<(linux.SIGSTOP-1)) != 0 {
			t.Fatalf("mask %#x blocks SIGKILL or SIGSTOP", mask)
		}
		if mx := *(*uint32)(unsafe.Pointer(&fr.FX[24])); mx&^mxcsrMask != 0 {
			t.Fatalf("reserved MXCSR bits %#x restored", mx)
		}
		// A context too short to hold a ucontext is refused.
		if _, ok := restore(mem[:min(len(mem), 100)], nil, &fr); ok {
			t.Fatal("restore took a short context")
		}
	})
}
