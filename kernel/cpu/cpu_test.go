package cpu

import (
	"os"
	"regexp"
	"strconv"
	"testing"
	"unsafe"

	"gokernel/arch"
)

// The entry stubs address cpuBlock fields, and the frame's CS, by offset;
// the offsets there must match the structs.
func TestBlockLayout(t *testing.T) {
	src, err := os.ReadFile("../entry_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	var c Block
	want := map[string]uintptr{
		"CPU_KSTACK":   unsafe.Offsetof(c.kstack),
		"CPU_SCRATCH":  unsafe.Offsetof(c.scratch),
		"CPU_DEPTH":    unsafe.Offsetof(c.depth),
		"CPU_USERFS":   unsafe.Offsetof(c.userFS),
		"CPU_KERNELFS": unsafe.Offsetof(c.kernelFS),
		"FRAME_CS":     unsafe.Offsetof(arch.Frame{}.CS),
	}
	for name, off := range want {
		m := regexp.MustCompile(`#define\s+` + name + `\s+(\d+)`).FindSubmatch(src)
		if m == nil {
			t.Errorf("%s not defined in entry_amd64.s", name)
			continue
		}
		if got, _ := strconv.Atoi(string(m[1])); uintptr(got) != off {
			t.Errorf("%s = %d in assembly, field offset %d", name, got, off)
		}
	}
}
