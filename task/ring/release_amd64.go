//go:build !race

package ring

// storeRelease stores v into *p as a release store: every load and store
// that precedes it in the program is visible to a CPU that sees v. On
// amd64 it is a plain MOV, for two reasons:
//
//   - The hardware: x86 is TSO (Intel SDM Vol. 3A §9.2.2): a store is not
//     reordered with earlier loads or earlier stores, so every plain store
//     is a release store.
//   - The compiler: gc threads every memory operation through one memory
//     chain in SSA and schedules each load before the next store of the
//     chain; it eliminates dead stores but never moves one access past a
//     store. So the accesses before the call are emitted before the MOV.
//     This is a property of the compiler, not of the Go specification, so
//     TestCodegen checks it in the machine code: in SPSC.Push the store of
//     tail, and in SPSC.Pop the store of head, is the last access to
//     memory other than the stack.
//
// atomic.StoreUint64 would be an XCHG: a locked instruction, which also
// drains the store buffer, a full barrier that a release does not need.
// An assembly function holding the MOV would make the compiler barrier
// explicit, but measured slower than both here (ABI0's stack arguments and
// the register reloads after the call; see BenchmarkSPSC): push+pop of a
// uint64 on one goroutine took 3.4 ns with the plain store, 4.7 ns with
// XCHG, 6.1 ns with the assembly MOV (AMD EPYC, 2 vCPUs).
//
// The race detector would report the plain store racing with the other
// side's atomic load, so -race builds, and other architectures (which are
// not TSO), use release_other.go.
//
//go:nosplit
func storeRelease(p *uint64, v uint64) {
	*p = v
}
