package boottest

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gokernel/tools/vm"
)

// machine is an interrupt-and-timer configuration: a QEMU machine, CPU
// and command line, with the boot lines it must show.
type machine struct {
	name    string
	args    []string
	cmdline string
	lines   []string // patterns the boot must print
	skip    string   // a test that cannot pass there: firmware without ACPI
}

// machines are the configurations the APIC work must survive: QEMU's
// default i440FX, Q35, both without the 8254 (as on chipsets that gate
// it), Q35 without the 8254 and the HPET (the PM timer calibrates), the
// max and qemu64 CPUs, the PICs and the 8254 (apic=off), no ACPI at all,
// and a CPU without a local APIC. (QEMU 7.2's TCG offers neither x2APIC
// nor TSC-deadline, even with -cpu max; the Bochs rows of the boot matrix
// show both.)
var machines = []machine{
	{"q35", []string{"-machine", "q35"}, "", []string{`^apic: xAPIC id 0, IOAPIC at 0xfec00000 \(24 lines\), PIC masked$`, `^clock: TSC \d+ MHz \(HPET\)$`, `^timer: LAPIC one-shot at \d+ MHz`}, ""},
	{"q35,pit=off", []string{"-machine", "q35,pit=off"}, "", []string{`^apic: xAPIC`, `^clock: TSC \d+ MHz \(HPET\)$`, `^timer: LAPIC one-shot`}, ""},
	{"pc,pit=off", []string{"-machine", "pc,pit=off"}, "", []string{`^apic: xAPIC`, `^clock: TSC \d+ MHz \(HPET\)$`, `^timer: LAPIC one-shot`}, ""},
	{"q35,pit=off,hpet=off", []string{"-machine", "q35,pit=off,hpet=off"}, "", []string{`^apic: xAPIC`, `^clock: TSC \d+ MHz \(PM timer\)$`, `^timer: LAPIC one-shot`}, ""},
	{"cpu=max", []string{"-cpu", "max"}, "", []string{`^apic: xAPIC`, `^timer: LAPIC one-shot`}, ""},
	{"cpu=qemu64", []string{"-cpu", "qemu64"}, "", []string{`^apic: xAPIC`, `^timer: LAPIC one-shot`}, ""},
	{"apic=off", nil, "apic=off", []string{`^apic: off \(apic=off\); the 8259 PICs$`, `^timer: PIT, 1000 Hz tick$`}, ""},
	{"acpi=off", []string{"-machine", "pc,acpi=off"}, "", []string{`^acpi: no RSDP`, `^apic: off \(no usable MADT\); the 8259 PICs$`, `^clock: TSC \d+ MHz \(PIT\)$`, `^timer: PIT`}, "firmware"},
	{"no local APIC", []string{"-cpu", "qemu64,-apic", "-smp", "1"}, "", []string{`^apic: off \(the CPU has no local APIC\); the 8259 PICs$`, `^timer: PIT`}, ""},
	// Every test again with the runtime's threads on 2 and 4 CPUs.
	{"smp 2", []string{"-smp", "2"}, "", []string{`^smp: 2 CPUs \(APIC IDs 0 1\)$`, `^timer: LAPIC one-shot`}, ""},
	{"q35 smp 4", []string{"-machine", "q35", "-smp", "4"}, "", []string{`^smp: 4 CPUs \(APIC IDs 0 1 2 3\)$`, `^timer: LAPIC one-shot`}, ""},
}

// lapicRate finds the timer line of a boot on the local APIC timer.
var lapicRate = regexp.MustCompile(`^timer: LAPIC one-shot at (\d+) MHz`)

// checkLAPICRate requires a boot on the local APIC timer to have measured
// QEMU's rate, printed as 62: QEMU's APIC bus clock is 1 GHz
// (APIC_BUS_CYCLE_NS, include/hw/i386/apic_internal.h) and the kernel
// divides it by lapic.Divide, 16, so 62.5 MHz. The measurement dates each count
// read by the clock reads around it, so a read the host serves late on a
// busy machine does not make it read 60 or 61, which fired one-shots
// early.
func checkLAPICRate(t *testing.T, res vm.Result) {
	t.Helper()
	for _, l := range res.Lines {
		if m := lapicRate.FindStringSubmatch(l.Text); m != nil && m[1] != "62" {
			t.Errorf("the APIC timer measured at %s MHz, want QEMU's 62.5: %q", m[1], l.Text)
		}
	}
}

// smp reports whether m has more than one CPU.
func (m machine) smp() bool {
	i := slices.Index(m.args, "-smp")
	return i >= 0 && i+1 < len(m.args) && m.args[i+1] != "1"
}

// smpMemory is the RAM a test gets on the rows with more than one CPU,
// where 64 MiB is not enough. test=gc churns 1 GiB of 256 KiB buffers; with
// GOMAXPROCS=4 on a host with 2 cores and other work, each virtual CPU is
// off its host core for 100-270 ms at times (its timer interrupt arrives
// that late; the big kernel lock was never waited for more than 10 ms), so
// a GC cycle's end, which needs every P to answer, takes that long too.
// The buffers hold no pointers, so the allocating goroutine owes almost no
// assist work and allocates on; what it allocates during the mark is
// marked live, and the next heap goal doubles from there (gctrace: "3->21->18
// MB, 4 MB goal", then "32->32->0 MB, 37 MB goal"). With eight such QEMUs at
// once, frames in use peaked at 47 MiB of the 58 free at 64 MiB (11 MiB
// left, the low-water mark is 6) and at 39 MiB at 128 MiB (83 MiB left); the
// free count never drifted down over a run, and with one CPU it stays
// within 1 MiB of where it starts. The runtime on Linux does the same with
// GOMAXPROCS above the cores it gets. test=runtime allocates 256 MiB the
// same way and ran out the same way once in a q35 smp 4 row at 64 MiB.
var smpMemory = map[string]string{"gc": "128M", "runtime": "128M"}

// timing are the tests that measure time: they run one at a time, before
// the others (see TestTiming).
var timing = map[string]bool{"ticks": true, "sleep": true, "timers": true, "idle": true, "preempt": true, "clock": true, "clocksources": true}

// inKernelTests reads test=list: the names of the tests that pass and of
// those that fail on purpose, but for the SMP tests, which need CPUs of
// their own (TestSMP).
func inKernelTests(t *testing.T) (passes, fails []string) {
	t.Helper()
	v := vm.StartT(t, vm.Options{Kernel: artifact(t, "kernel.elf"), Memory: "64M", Cmdline: "test=list"})
	res, err := v.Wait()
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^test (\w+): ([a-z ]+), (passes|fails|keys):`)
	for _, l := range res.Lines {
		if m := re.FindStringSubmatch(l.Text); m != nil && m[2] != "smp" {
			switch m[3] {
			case "passes":
				passes = append(passes, m[1])
			case "fails":
				fails = append(fails, m[1])
			}
		}
	}
	if len(passes) < 20 || len(fails) < 4 {
		t.Fatalf("test=list gave %d passing and %d failing tests", len(passes), len(fails))
	}
	return passes, fails
}

// TestMachines boots every in-kernel test under every configuration: the
// ones that pass must pass, the ones that fail on purpose must fail with
// the fail status (not hang, not reset), and test=keyboard must read keys
// typed through QMP, which travel IRQ 1 through the I/O APIC or the PIC.
func TestMachines(t *testing.T) {
	if testing.Short() {
		t.Skip("boots every test under every configuration")
	}
	kernel := artifact(t, "kernel.elf")
	passes, fails := inKernelTests(t)
	for _, m := range machines {
		t.Run(m.name, func(t *testing.T) {
			opts := func(name string) vm.Options {
				o := vm.Options{Kernel: kernel, Memory: "64M", Args: m.args, Cmdline: m.cmdline,
					Name: "machines-" + strings.ReplaceAll(m.name, " ", "-") + "-" + name}
				if mem, ok := smpMemory[name]; ok && m.smp() {
					o.Memory = mem
				}
				return o
			}
			for _, name := range passes {
				if !timing[name] {
					continue
				}
				res := runTiming(t, opts(name), name)
				if name == "ticks" {
					expectLines(t, res, m.lines...)
				}
				checkLAPICRate(t, res)
			}
			for _, name := range passes {
				if timing[name] || name == m.skip {
					continue
				}
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					checkLAPICRate(t, vm.RunTest(t, opts(name), name))
				})
			}
			for _, name := range fails {
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					o := opts(name)
					o.Cmdline = strings.TrimSpace(o.Cmdline + " test=" + name)
					v := vm.StartT(t, o)
					res, err := v.Wait()
					if err != nil {
						t.Fatal(err)
					}
					if !res.Failed() {
						t.Errorf("test=%s: QEMU %s, want the fail status\n%s", name, res.Meaning(), res.Report())
					}
				})
			}
			t.Run("keyboard", func(t *testing.T) {
				t.Parallel()
				o := opts("keyboard")
				o.Cmdline = strings.TrimSpace(o.Cmdline + " test=keyboard")
				o.QMP = true
				v := vm.StartT(t, o)
				if _, err := v.Expect("keyboard: ready (layout us)", 30*time.Second); err != nil {
					t.Fatal(err)
				}
				typeKeys(t, v, "o", "k", "ret", "esc")
				res, _ := v.Wait()
				expectLines(t, res, `^keyboard: line ok$`, `^test keyboard: PASS$`)
			})
		})
	}
}

// TestMicrovm boots QEMU's microvm machine (no PCI, an I/O APIC, no
// 8042) to the shell on COM1, and sleeps with the executor's timers.
func TestMicrovm(t *testing.T) {
	t.Parallel()
	v := vm.StartT(t, vm.Options{Kernel: artifact(t, "kernel.elf"), Memory: "64M", Args: []string{"-machine", "microvm"}})
	expectLine(t, v, `^timer: LAPIC one-shot`)
	expectLine(t, v, `^ready$`)
	start := time.Now()
	if err := v.SendSerial("sleep 0.5\r"); err != nil {
		t.Fatal(err)
	}
	if err := v.SendSerial("echo slept\r"); err != nil {
		t.Fatal(err)
	}
	expectLine(t, v, `^slept$`)
	if d := time.Since(start); d < 500*time.Millisecond {
		t.Errorf("sleep 0.5 returned after %v", d)
	}
}
