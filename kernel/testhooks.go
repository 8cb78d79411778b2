package main

import (
	"unsafe"

	"gokernel/kernel/console"
)

// testHook runs a gokernel test operation in ring 0 (test mode only): the
// deliberate kernel faults the host tests check the reports of.
//
//go:nosplit
func testHook(op uint64) {
	switch op {
	case opTestPageFault:
		sink = *(*uint64)(unsafe.Pointer(uintptr(badKernelAddr)))
	case opTestStackOverfl:
		overflowStack()
	case opTestConsoleHeld:
		console.Lock()
		sink = *(*uint64)(unsafe.Pointer(uintptr(badKernelAddr)))
	case opTestFaultInRep:
		faultInReport = true
		sink = *(*uint64)(unsafe.Pointer(uintptr(badKernelAddr)))
	case opTestInt3:
		int3()
	case opTestBadVector:
		int81()
	}
}

var sink uint64
