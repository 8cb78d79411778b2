package arch

// Port I/O (SDM Vol. 1 §19.2). Implemented in io_amd64.s.

func Inb(port uint16) uint8
func Outb(port uint16, v uint8)
func Inw(port uint16) uint16
func Outw(port uint16, v uint16)
func Inl(port uint16) uint32
func Outl(port uint16, v uint32)
