//go:build race || !amd64

package ring

import "sync/atomic"

// storeRelease stores v into *p with at least release ordering. This is
// the portable version: atomic.StoreUint64 (sequentially consistent, so
// more than enough), which the race detector understands. amd64 without
// -race uses a plain MOV (release_amd64.go).
//
//go:nosplit
func storeRelease(p *uint64, v uint64) {
	atomic.StoreUint64(p, v)
}
