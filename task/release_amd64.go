//go:build !race

package task

// storeRelease32 stores v into *p as a release store: a plain MOV on
// amd64, as gokernel/task/ring's storeRelease, whose comment says why that
// is a release store in the hardware (x86-TSO) and for the compiler (gc
// keeps the accesses before a store before it). -race builds and other
// architectures use release_other.go. (The executor cannot call ring's: it
// is unexported, and a primitive this small does not deserve a package.)
//
//go:nosplit
func storeRelease32(p *uint32, v uint32) {
	*p = v
}

// storeRelease64 is storeRelease32 for a uint64.
//
//go:nosplit
func storeRelease64(p *uint64, v uint64) {
	*p = v
}
