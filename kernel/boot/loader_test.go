package boot

import (
	"strings"
	"testing"

	"gokernel/kernel/multiboot"
)

func TestProblem(t *testing.T) {
	good := func() *multiboot.Info {
		in := &multiboot.Info{Protocol: 1, HasMemoryMap: true, NRegions: 1}
		in.Regions[0] = multiboot.Region{Base: 1 << 20, Length: 127 << 20, Type: multiboot.MemAvailable}
		return in
	}
	if msg, _ := problem(good()); msg != "" {
		t.Errorf("good information refused: %s", msg)
	}
	noMap := good()
	noMap.HasMemoryMap = false
	if msg, _ := problem(noMap); !strings.Contains(msg, "no memory map") {
		t.Errorf("no memory map: %q", msg)
	}
	empty := good()
	empty.NRegions = 0
	if msg, _ := problem(empty); !strings.Contains(msg, "no memory map") {
		t.Errorf("empty memory map: %q", msg)
	}
	reserved := good()
	reserved.Regions[0].Type = multiboot.MemReserved
	if msg, _ := problem(reserved); !strings.Contains(msg, "no available RAM") {
		t.Errorf("only reserved memory: %q", msg)
	}
	long := good()
	long.CmdlineTooLong, long.CmdlineFullLen = true, 5000
	if msg, n := problem(long); !strings.Contains(msg, "command line too long") || n != 5000 {
		t.Errorf("long command line: %q %d", msg, n)
	}
}
