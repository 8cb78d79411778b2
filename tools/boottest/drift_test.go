package boottest

import (
	"regexp"
	"testing"
	"time"

	"gokernel/tools/vm"
)

// driftInterval is how much host time passes between the two readings.
const driftInterval = 15 * time.Second

// TestClockDrift asks the shell for the kernel's uptime twice, 15 s of
// host time apart, and requires the kernel's clock to have advanced by the
// same time within 0.5%, with the TSC measured against each reference:
// the HPET (QEMU's default machine, and without the 8254), the ACPI PM
// timer (without the 8254 and the HPET), the 8254 (no ACPI), and with
// the 8259s and the 8254's tick (apic=off). Each reading is timed by the
// arrival of its line, so the serial line's latency cancels.
func TestClockDrift(t *testing.T) {
	for _, m := range []struct{ name, machine, cmdline string }{
		{"pc", "pc", ""}, {"q35,pit=off", "q35,pit=off", ""}, {"q35,pit=off,hpet=off", "q35,pit=off,hpet=off", ""},
		{"pc,acpi=off", "pc,acpi=off", ""}, {"apic=off", "pc", "apic=off"},
	} {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			v := vm.StartT(t, vm.Options{Kernel: artifact(t, "kernel.elf"), Memory: "64M", Args: []string{"-machine", m.machine}, Cmdline: m.cmdline, Timeout: 2 * time.Minute})
			expectLine(t, v, `^ready$`)
			re := regexp.MustCompile(`^up ([0-9hms.]+)`)
			read := func() (kernel, host time.Duration) {
				t.Helper()
				if err := v.SendSerial("uptime\r"); err != nil {
					t.Fatal(err)
				}
				line, m, err := v.ExpectRegexpTimed(re, 20*time.Second)
				if err != nil {
					t.Fatal(err)
				}
				d, err := time.ParseDuration(m[1])
				if err != nil {
					t.Fatal(err)
				}
				return d, line.At
			}
			k0, h0 := read()
			time.Sleep(driftInterval)
			k1, h1 := read()
			kernel, host := k1-k0, h1-h0
			drift := float64(kernel-host) / float64(host)
			t.Logf("%s: the kernel's clock advanced %v while the host's advanced %v: %+.3f%%", m.name, kernel, host, 100*drift)
			if drift > 0.005 || drift < -0.005 {
				t.Errorf("the kernel's clock drifts %+.2f%% from the host's", 100*drift)
			}
		})
	}
}
