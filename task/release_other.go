//go:build race || !amd64

package task

import "sync/atomic"

// storeRelease32 stores v into *p with at least release ordering: the
// portable version, atomic.StoreUint32, which the race detector
// understands. amd64 without -race uses a plain MOV (release_amd64.go).
//
//go:nosplit
func storeRelease32(p *uint32, v uint32) {
	atomic.StoreUint32(p, v)
}

// storeRelease64 is storeRelease32 for a uint64.
//
//go:nosplit
func storeRelease64(p *uint64, v uint64) {
	atomic.StoreUint64(p, v)
}
