package ktest

import (
	"fmt"
	"syscall"
	"time"
)

// Regression tests for calls that once hung, stopped or faulted the
// kernel (issue 18). Each is its own test so that one that hangs cannot
// hide another; each ends by checking that the kernel still answers.

func init() {
	register("system calls",
		Test{Name: "munmaplow", Run: testMunmapLow, Note: "munmap below the user minimum unmaps nothing there and returns 0"},
	)
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

// testMunmapLow: munmap(0x10000, 4096) lies below the user minimum, where
// the kernel keeps no areas. Linux returns 0 and unmaps nothing there; the
// kernel once clamped the start up to the minimum, found the end below it,
// set the end to the user maximum and unmapped the whole address space.
func testMunmapLow() error {
	b, err := mapPage(4096, syscall.PROT_READ|syscall.PROT_WRITE)
	if err != nil {
		return err
	}
	b[0], b[4095] = 0x5a, 0xa5
	for _, c := range []struct{ addr, n uintptr }{
		{0x10000, 4096},
		{0x1000, 0x2000},
		{0, 4096},
	} {
		if _, _, e := syscall.Syscall(syscall.SYS_MUNMAP, c.addr, c.n, 0); e != 0 {
			return fmt.Errorf("munmap(%#x, %#x): %v, want success", c.addr, c.n, e)
		}
	}
	// Past the top of user space: EINVAL, as Linux's do_vmi_munmap.
	if _, _, e := syscall.Syscall(syscall.SYS_MUNMAP, 0x7fff_ffff_0000, 0x10000+4096, 0); e != syscall.EINVAL {
		return fmt.Errorf("munmap across the top of user space: %v, want EINVAL", e)
	}
	if b[0] != 0x5a || b[4095] != 0xa5 {
		return fmt.Errorf("a mapped page lost its contents: %#x %#x", b[0], b[4095])
	}
	if err := syscall.Munmap(b); err != nil {
		return err
	}
	if err := alive(); err != nil {
		return err
	}
	fmt.Println("munmaplow: munmap below the user minimum unmapped nothing; the kernel is fine")
	return nil
}
