package main

import (
	"syscall"
	"unsafe"
)

// readPhysical reads physical memory through the kernel (opReadPhys), for
// the firmware-table parsers.
func readPhysical(addr uint64, n int) ([]byte, error) {
	b := make([]byte, n)
	if n == 0 {
		return b, nil
	}
	if _, _, e := syscall.Syscall6(sysGokernel, opReadPhys, uintptr(addr), uintptr(unsafe.Pointer(&b[0])), uintptr(n), 0, 0); e != 0 {
		return nil, e
	}
	return b, nil
}
