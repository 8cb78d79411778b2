// Package acpi reads the ACPI tables the kernel needs at boot: the RSDP and
// the RSDT/XSDT (ACPI 6.5 §5.2.5, §5.2.7, §5.2.8), the table header
// (§5.2.6), the MADT (§5.2.12), the FADT (§5.2.9), the HPET table (IA-PC
// HPET Specification 1.0a §3.2.4), the MCFG (PCI Firmware Specification
// 3.x §4.1.2), and the DSDT's \_S5 package (§7.4.2, AML grammar §20).
//
// # Ring-0 rules
//
// The kernel calls these functions in ring 0, before the Go runtime is
// initialised, to learn where the interrupt controllers, timers and
// reset and power-off registers are. So, like kernel/multiboot, the
// package allocates nothing, stores no pointers in package variables
// (it has none), has no init work and no reachable panic: every index is
// checked against the length first, there are no maps, interfaces,
// divisions by a variable or type assertions, and every function is
// //go:nosplit. Results go into fixed-size structs the caller provides;
// lists that may be long (MADT processors, MCFG allocations) have fixed
// maximums and a count of what did not fit. Errors are the small integer
// type Error, not the error interface. codegen_test.go proves the rules
// on the machine code with tools/ring0check.
//
// kernel/firmware reads the same tables later, in ring 3, with u-root's
// parsers (github.com/u-root/u-root/pkg/acpi). Those cannot run here:
// they build Go strings, slices and maps, return error values made with
// fmt.Errorf, and read memory through io.ReaderAt; all of that allocates,
// and before the runtime exists there is no heap to allocate from.
//
// # Memory
//
// The parsers work on []byte views of the tables, which the caller makes
// (in the kernel, unsafe.Slice over identity-mapped physical memory; in
// tests, the QEMU dumps in testdata). Walk, which follows the RSDT or
// XSDT, reads through a Reader the caller supplies; it is the only
// function that calls a function value.
//
// # Use
//
//	var acpiTables acpi.Directory // globals: these are KiB-sized
//	var madt acpi.MADT
//
//	var rsdp acpi.RSDP
//	if err := acpi.ParseRSDP(bootInfo.RSDP[:bootInfo.RSDPLen], &rsdp); err != acpi.OK { ... }
//	if err := acpi.Walk(&rsdp, physView, &acpiTables); err != acpi.OK { ... }
//	if t, ok := acpiTables.Find(acpi.SigMADT); ok {
//		err := acpi.ParseMADT(physView(t.Addr, uint64(t.Length)), &madt)
//		...
//	}
//
// Checksums. A table whose bytes do not sum to zero is reported with
// ErrChecksum, but every parser fills its output all the same: ACPICA,
// and so Linux, only warns about such tables and uses them
// (ACPI_CHECKSUM_ABORT is off), and a kernel that refused them would not
// boot on a machine Linux boots on. ErrChecksum is the one error after
// which the output is complete; the caller decides.
package acpi
