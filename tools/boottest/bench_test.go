package boottest

import (
	"testing"
	"time"

	"gokernel/tools/vm"
)

// BenchmarkBoot measures QEMU's wall time from process start to a marker
// line under -kernel (TCG): for the empty baseline kernel the line it
// prints before exiting, for the kernel "go: runtime up". Both run in the
// same benchmark invocation, so their difference is the kernel's own
// start-up (stub, page tables, clock calibration, Go runtime init).
func BenchmarkBoot(b *testing.B) {
	for _, c := range []struct{ name, file, marker string }{
		{"empty", "empty.elf", "empty: ok"},
		{"kernel", "kernel.elf", "go: runtime up"},
	} {
		b.Run(c.name, func(b *testing.B) {
			kernel := artifact(b, c.file)
			var total time.Duration
			for i := 0; i < b.N; i++ {
				v, err := vm.Start(vm.Options{Kernel: kernel, Name: c.name})
				if err != nil {
					b.Fatal(err)
				}
				l, err := v.ExpectTimed(c.marker, 30*time.Second)
				v.Kill()
				v.Wait()
				if err != nil {
					b.Fatal(err)
				}
				total += l.At
			}
			b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/boot")
		})
	}
}
