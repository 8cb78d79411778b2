package spin

// pause hints a spin-wait loop (SDM Vol. 2B, PAUSE): the sibling
// hyperthread gets the core, and leaving the loop does not pay for a
// memory-order mis-speculation. Implemented in pause_amd64.s.
func pause()

// leafSpin spins until it changes *word from 0 to 1, counting the spins
// in *spins: Leaf.Lock's contended case. Implemented in pause_amd64.s.
//
//go:noescape
func leafSpin(word *uint32, spins *uint64)
