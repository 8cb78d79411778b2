package main

import (
	"strings"
	"testing"
	"time"
)

func TestWriteTable(t *testing.T) {
	outcomes := []Outcome{
		{Case: Case{Image: KernelImage, Firmware: SeaBIOS, Machine: "pc", CPU: "qemu64", SMP: "2"},
			Facts: Facts{Boot: "multiboot1", Console: "vga text", Interrupts: "xAPIC", Timer: "LAPIC one-shot", Clock: "HPET", CPUs: "2 (APIC IDs 0 1)", MachineName: "QEMU a|b"}, Ready: 1234 * time.Millisecond},
		{Case: Case{Image: KernelImage, Firmware: OVMF, Machine: "q35", CPU: "max", NA: "why"}},
		{Case: Case{Image: ISOImage, Firmware: OVMF, Machine: "q35,i8042=off", CPU: "max", USB: true}, Facts: Facts{USBIRQ: "MSI-X"}, Ready: time.Second},
		{Case: Case{Image: ISOImage, Firmware: OVMF, Machine: "q35", CPU: "max"}, Failed: "no ready\nwithin 1s",
			Tail: []string{"boot: multiboot2"}},
	}
	var b strings.Builder
	WriteTable(&b, outcomes)
	want := `| Image | Firmware | Machine | CPU | Boot | Console | Interrupts | Timer | TSC from | CPUs | USB | Machine name | Time to ready | Result |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
| kernel | SeaBIOS | pc, -smp 2 | qemu64 | multiboot1 | vga text | xAPIC | LAPIC one-shot | HPET | 2 (APIC IDs 0 1) | – | QEMU a\|b | 1.23s | PASS |
| kernel | OVMF | q35 | max | – | – | – | – | – | – | – | – | – | n/a: why |
| ISO | OVMF | q35,i8042=off, USB keyboard | max | – | – | – | – | – | – | MSI-X | – | 1.00s | PASS |
| ISO | OVMF | q35 | max | – | – | – | – | – | – | – | – | – | FAIL: no ready within 1s |
`
	if b.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", b.String(), want)
	}
	if p, f, na := Counts(outcomes); p != 2 || f != 1 || na != 1 {
		t.Errorf("Counts = %d, %d, %d; want 2, 1, 1", p, f, na)
	}

	b.Reset()
	WriteDetails(&b, outcomes)
	if d := b.String(); !strings.Contains(d, "ISO-OVMF-q35-max: FAIL") || !strings.Contains(d, "```\nboot: multiboot2\n```") || strings.Contains(d, "kernel-SeaBIOS") {
		t.Errorf("details:\n%s", d)
	}
}
