package ktest

import (
	"fmt"
	"syscall"
	"time"
)

// Implemented in badcalls_amd64.s.
func withFS(fs uintptr) (setErr, pid, fsAfter uintptr)
func faultWithFS(fs uintptr)
func sigreturnTo(rip uintptr)
func cloneMask(flags, mask uintptr) (tid uintptr)

// Regression tests for calls that once hung, stopped or faulted the
// kernel (issue 18). Each is its own test so that one that hangs cannot
// hide another; each ends by checking that the kernel still answers.

func init() {
	later(func() {
		register("system calls",
			Test{Name: "munmaplow", Run: testMunmapLow, Note: "munmap below the user minimum unmaps nothing there and returns 0"},
			Test{Name: "badfs", Run: testBadFS, Note: "a thread whose FS base points at nothing makes system calls and is switched; bad TLS addresses get EPERM"},
			Test{Name: "rozero", Run: testROZero, Note: "reading 512 MiB of untouched read-only memory costs no frames; system calls keep off the last frames"},
			Test{Name: "bigmprotect", Run: testBigMprotect, Note: "mprotect and munmap of a 32 TiB reservation visit only the page tables that exist"},
			Test{Name: "badreturn", Run: testBadReturn, Note: "a return to ring 3 that faults in IRETQ is the thread's SIGSEGV, a recoverable panic here"},
			Test{Name: "badsigreturn", Run: testBadSigreturn, Outcome: Fails, Note: "rt_sigreturn to a non-canonical RIP is a SIGSEGV, which kills the program as on Linux"},
			Test{Name: "clonemask", Run: testCloneMask, Note: "a new thread keeps its parent's signal mask, as on Linux"},
			Test{Name: "manythreads", Run: testManyThreads, Outcome: Fails, Note: "more threads than the kernel's 128: clone fails with EAGAIN, said once, and the runtime reports it"},
			Test{Name: "badfsfault", Run: testBadFSFault, Outcome: Fails, Note: "a thread that reads TLS through a bad FS base gets SIGSEGV, which kills the program as on Linux"},
		)
	})
}

// alive checks that the kernel still schedules: a goroutine sleeps and
// answers on a channel.
func alive() error {
	ch := make(chan int)
	go func() { time.Sleep(2 * time.Millisecond); ch <- 42 }()
	select {
	case v := <-ch:
		if v != 42 {
			return fmt.Errorf("channel round trip gave %d", v)
		}
	case <-time.After(5 * time.Second):
		return fmt.Errorf("a sleeping goroutine did not wake within 5 s")
	}
	return nil
}

// mapPage maps n private anonymous bytes with prot.
func mapPage(n int, prot int) ([]byte, error) {
	return syscall.Mmap(-1, 0, n, prot, syscall.MAP_PRIVATE|syscall.MAP_ANON)
}
