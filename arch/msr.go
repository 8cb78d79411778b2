package arch

// Model-specific registers used by the kernel (SDM Vol. 4 §2.1, and Vol. 3A
// §5.8.8 for the SYSCALL MSRs).
const (
	MSR_EFER           = 0xC0000080
	MSR_STAR           = 0xC0000081 // SYSCALL/SYSRET segment selectors
	MSR_LSTAR          = 0xC0000082 // SYSCALL target RIP in 64-bit mode
	MSR_FMASK          = 0xC0000084 // RFLAGS bits cleared by SYSCALL
	MSR_FS_BASE        = 0xC0000100
	MSR_GS_BASE        = 0xC0000101
	MSR_KERNEL_GS_BASE = 0xC0000102
	MSR_APIC_BASE      = 0x1B  // IA32_APIC_BASE (SDM Vol. 3A §11.4.4)
	MSR_TSC_DEADLINE   = 0x6E0 // IA32_TSC_DEADLINE (SDM Vol. 3A §11.5.4.1)
	MSR_X2APIC_BASE    = 0x800 // x2APIC register r is MSR 0x800 + r>>4 (§11.12.1.2)

	EFER_SCE = 1 << 0  // SYSCALL enable
	EFER_LME = 1 << 8  // long mode enable
	EFER_NXE = 1 << 11 // execute-disable bit in page tables
)

// Rdmsr reads model-specific register msr. Implemented in msr_amd64.s.
func Rdmsr(msr uint32) uint64

// Wrmsr writes v to model-specific register msr. Implemented in msr_amd64.s.
func Wrmsr(msr uint32, v uint64)
