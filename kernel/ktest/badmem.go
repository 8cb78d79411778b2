package ktest

import (
	"errors"
	"fmt"
	"syscall"
	"time"
	"unsafe"

	"gokernel/kernel/boot"
	"gokernel/kernel/kcall"
	"gokernel/kernel/linux"
)

// Bad calls on memory (issue 18, bugs 1, 3 and 4): regressions of
// badcalls.go.

// freeMiB returns the free memory the kernel reports, in MiB.
func freeMiB() (float64, error) {
	st, err := kcall.ReadStats()
	if err != nil {
		return 0, err
	}
	return float64(st.FreeFrames*4096) / (1 << 20), nil
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

// testROZero reads a 512 MiB PROT_READ mapping nobody wrote, half through
// system calls (rt_sigprocmask reads its set from each page) and half in
// Go code. Each page once got a frame, so in 64 MiB the next page fault
// stopped the machine ("out of memory"); now every page maps the shared
// zero page. Then system calls that write fresh pages (getrandom into a
// 128 MiB mapping) must stop at the low-water mark with EFAULT instead of
// taking the last frames.
func testROZero() error {
	const size, page = 512 << 20, 4096
	before, err := freeMiB()
	if err != nil {
		return err
	}
	ro, err := mapPage(size, syscall.PROT_READ)
	if err != nil {
		return err
	}
	base := uintptr(unsafe.Pointer(&ro[0]))
	for off := 0; off < size/2; off += page {
		if _, _, e := syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, linux.SIG_BLOCK, base+uintptr(off), 0, 8, 0, 0); e != 0 {
			return fmt.Errorf("rt_sigprocmask reading %#x: %v", base+uintptr(off), e)
		}
	}
	var sum byte
	for off := size / 2; off < size; off += page {
		sum |= ro[off]
	}
	if sum != 0 {
		return errors.New("untouched read-only memory does not read as zero")
	}
	after, err := freeMiB()
	if err != nil {
		return err
	}
	// Page tables only: one per 2 MiB, 1 MiB in all.
	if used := before - after; used > 4 {
		return fmt.Errorf("reading 512 MiB of untouched memory used %.1f MiB", used)
	}
	fmt.Printf("rozero: 512 MiB of untouched read-only memory read, %.1f MiB used\n", before-after)

	// Writing through system calls stops at the low-water mark.
	// Twice the RAM (128 MiB in the suite's 64 MiB machine).
	rw, err := mapPage(int(2*boot.Info().UsableBytes())&^(1<<20-1), syscall.PROT_READ|syscall.PROT_WRITE)
	if err != nil {
		return err
	}
	var stopped syscall.Errno
	written := 0
	for off := 0; off < len(rw); off += 1 << 20 {
		n, _, e := syscall.RawSyscall(linux.SYS_GETRANDOM, uintptr(unsafe.Pointer(&rw[off])), 1<<20, 0)
		if e != 0 {
			stopped = e
			break
		}
		written += int(n)
	}
	low, _ := freeMiB()
	if stopped != syscall.EFAULT {
		return fmt.Errorf("getrandom into %d MiB, twice the RAM: %v after %d MiB, want EFAULT", len(rw)>>20, stopped, written>>20)
	}
	// Some memory is left, and writable memory comes back with munmap.
	if err := syscall.Munmap(rw); err != nil {
		return err
	}
	if err := syscall.Munmap(ro); err != nil {
		return err
	}
	if err := alive(); err != nil {
		return err
	}
	fmt.Printf("rozero: getrandom stopped with EFAULT after %d MiB, %.1f MiB still free\n", written>>20, low)
	return nil
}

// testBigMprotect changes the protection of a 32 TiB reservation and
// unmaps it. The kernel once walked it page by page with interrupts off
// (8 G steps: minutes); now it visits only the page tables that exist.
func testBigMprotect() error {
	const size = 32 << 40
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
	if err != nil {
		return fmt.Errorf("mmap of 32 TiB PROT_NONE: %v", err)
	}
	// A few pages in use spread over it, so some page tables exist.
	for _, off := range []int{0, 4096, size / 2, size - 4096} {
		if err := syscall.Mprotect(b[off:off+4096], syscall.PROT_READ|syscall.PROT_WRITE); err != nil {
			return fmt.Errorf("mprotect of one page: %v", err)
		}
		b[off] = 1
	}
	start := time.Now()
	for _, prot := range []int{syscall.PROT_READ, syscall.PROT_NONE, syscall.PROT_READ} {
		if err := syscall.Mprotect(b, prot); err != nil {
			return fmt.Errorf("mprotect of 32 TiB to %d: %v", prot, err)
		}
	}
	if b[size/2] != 1 {
		return fmt.Errorf("a page lost its contents across mprotect: %d", b[size/2])
	}
	if err := syscall.Munmap(b); err != nil {
		return fmt.Errorf("munmap of 32 TiB: %v", err)
	}
	took := time.Since(start)
	if err := alive(); err != nil {
		return err
	}
	fmt.Printf("bigmprotect: 3 mprotects and a munmap of 32 TiB took %v\n", took.Round(time.Microsecond))
	return nil
}
