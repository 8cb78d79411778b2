package signal

import (
	"testing"
	"unsafe"

	"gokernel/arch"
	"gokernel/kernel/linux"
)

// The offsets the Go runtime (and glibc, and every Linux program) read.
func TestLayout(t *testing.T) {
	var sf rtSigframe
	var sc sigcontext
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"sizeof(rt_sigframe)", unsafe.Sizeof(sf), frameSize},
		{"sizeof(ucontext)", unsafe.Sizeof(sf.UC), 304},
		{"sizeof(sigcontext)", unsafe.Sizeof(sc), 256},
		{"sizeof(siginfo)", unsafe.Sizeof(sf.Info), 128},
		{"uc", unsafe.Offsetof(sf.UC), ucOffset},
		{"info", unsafe.Offsetof(sf.Info), infoOffset},
		{"uc_stack", unsafe.Offsetof(sf.UC.Stack), 16},
		{"uc_mcontext", unsafe.Offsetof(sf.UC.Mcontext), 40},
		{"uc_sigmask", unsafe.Offsetof(sf.UC.Sigmask), 296},
		{"rip", unsafe.Offsetof(sc.RIP), 16 * 8},
		{"eflags", unsafe.Offsetof(sc.EFLAGS), 17 * 8},
		{"cs", unsafe.Offsetof(sc.CS), 144},
		{"err", unsafe.Offsetof(sc.Err), 152},
		{"cr2", unsafe.Offsetof(sc.CR2), 176},
		{"fpstate", unsafe.Offsetof(sc.Fpstate), 184},
		{"si_code", unsafe.Offsetof(sf.Info.Code), 8},
		{"si_addr", unsafe.Offsetof(sf.Info.Addr), 16},
	} {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
}

func TestPlace(t *testing.T) {
	alt := linux.StackT{SP: 0x10000, Size: 0x8000}
	onstack := linux.Sigaction{Flags: saOnstack}
	// Off the alternate stack, with SA_ONSTACK: switch to its top.
	l := place(0x7fff0000, &onstack, &alt)
	if l.hi > alt.SP+alt.Size || l.lo < alt.SP {
		t.Errorf("frame [%#x,%#x) outside the alternate stack", l.lo, l.hi)
	}
	if (l.frame+8)%16 != 0 || l.fpstate%64 != 0 || l.fpstate < l.frame+frameSize {
		t.Errorf("bad alignment: frame %#x fpstate %#x", l.frame, l.fpstate)
	}
	// Already on it: stay, below the red zone.
	l = place(0x14000, &onstack, &alt)
	if l.hi > 0x14000-redZone {
		t.Errorf("frame overlaps the red zone: %#x", l.hi)
	}
	// Without SA_ONSTACK: the thread's own stack.
	l = place(0x7fff0000, &linux.Sigaction{}, &alt)
	if l.hi > 0x7fff0000-redZone || l.hi < 0x7ffe0000 {
		t.Errorf("frame at %#x on the normal stack", l.lo)
	}
	if onAltStack(0x14000, &linux.StackT{}) != linux.SS_DISABLE || onAltStack(0x14000, &alt) != linux.SS_ONSTACK {
		t.Error("onAltStack")
	}
}

// Building a frame and restoring from it returns the interrupted state,
// except what the handler changed.
func TestBuildRestore(t *testing.T) {
	var f arch.Frame
	f.RIP, f.RSP, f.RAX, f.R15, f.RFLAGS = 0x401000, 0x7fff0000, 42, 15, 0x3202|1 // IF, IOPL, CF
	f.CS, f.SS = 0x2b, 0x23
	f.FX[24], f.FX[25] = 0x80, 0x1f // MXCSR 0x1f80
	act := linux.Sigaction{Handler: 0x500000, Flags: saSiginfo | saRestorer, Restorer: 0x500100}
	var alt linux.StackT
	l := place(f.RSP, &act, &alt)
	buf := make([]byte, l.hi-l.lo)
	in := Info{Signo: linux.SIGSEGV, Code: SEGV_MAPERR, Addr: 0x8, Trapno: 14, Err: 4, CR2: 0x8}
	orig := f
	if !build(buf, &l, &f, &in, &act, 0x5, &alt) {
		t.Fatal("build failed")
	}
	if f.RIP != act.Handler || f.RSP != l.frame || f.RDI != linux.SIGSEGV ||
		f.RSI != l.frame+infoOffset || f.RDX != l.frame+ucOffset {
		t.Fatalf("handler registers: rip %#x rsp %#x rdi %d rsi %#x rdx %#x", f.RIP, f.RSP, f.RDI, f.RSI, f.RDX)
	}
	sf := (*rtSigframe)(unsafe.Pointer(&buf[0]))
	if sf.Pretcode != act.Restorer || sf.Info.Addr != 0x8 || sf.Info.Code != SEGV_MAPERR ||
		sf.UC.Mcontext.RIP != orig.RIP || sf.UC.Mcontext.Fpstate != l.fpstate || sf.UC.Sigmask != 0x5 {
		t.Fatalf("frame contents %+v", sf.UC.Mcontext)
	}
	// The handler redirects the context (as the Go runtime does to call
	// sigpanic) and returns: RET pops Pretcode.
	sf.UC.Mcontext.RIP = 0x402000
	sf.UC.Mcontext.EFLAGS = 0xFFFFFFFF // may not touch IF or IOPL
	buf[l.fpstate-l.lo+24] = 0xFF      // reserved MXCSR bits
	buf[l.fpstate-l.lo+26] = 0xFF
	f.RSP += 8
	mask, ok := restore(buf[ucOffset:], buf[l.fpstate-l.lo:], &f)
	if !ok || mask != 0x5 {
		t.Fatalf("restore: %v mask %#x", ok, mask)
	}
	if f.RIP != 0x402000 || f.RSP != orig.RSP || f.RAX != 42 || f.R15 != 15 {
		t.Errorf("restored rip %#x rsp %#x rax %d r15 %d", f.RIP, f.RSP, f.RAX, f.R15)
	}
	if f.RFLAGS&0x3200 != 0x3200 || f.RFLAGS&0x200 == 0 {
		t.Errorf("IF or IOPL lost: rflags %#x", f.RFLAGS)
	}
	if mx := *(*uint32)(unsafe.Pointer(&f.FX[24])); mx&^mxcsrMask != 0 {
		t.Errorf("reserved MXCSR bits restored: %#x", mx)
	}
}

func TestForException(t *testing.T) {
	if in := ForException(0, 0, 0, 0x1234, 0); in.Signo != linux.SIGFPE || in.Code != FPE_INTDIV || in.Addr != 0x1234 {
		t.Errorf("#DE -> %+v", in)
	}
	if in := ForException(14, 6, 0xdead, 0, SEGV_ACCERR); in.Signo != linux.SIGSEGV || in.Code != SEGV_ACCERR || in.Addr != 0xdead {
		t.Errorf("#PF -> %+v", in)
	}
	if in := ForException(13, 0, 0, 0, 0); in.Signo != linux.SIGSEGV || in.Code != SI_KERNEL || in.Addr != 0 {
		t.Errorf("#GP -> %+v", in)
	}
	if in := ForException(6, 0, 0, 0x99, 0); in.Signo != linux.SIGILL || in.Addr != 0x99 {
		t.Errorf("#UD -> %+v", in)
	}
}
