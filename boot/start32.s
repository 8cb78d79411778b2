/*
 * start32.S: from the loader's 32-bit protected mode to 64-bit long mode.
 *
 * Both multiboot protocols enter here with paging off, a flat 4 GiB code
 * segment, interrupts disabled, EAX holding the protocol's boot magic and
 * EBX the physical address of its information structure (Multiboot 0.6.96
 * §3.2, Multiboot2 §3.3). The stack pointer is undefined.
 *
 * The page tables built here are temporary: they identity-map the first
 * 4 GiB and alias the same 4 GiB at the kernel's direct-map base, so the Go
 * side can reach boot structures through either address until it builds
 * its own tables. Intel SDM Vol. 3A §10.8.5 gives the mode-switch order:
 * CR4.PAE, CR3, EFER.LME, then CR0.PG, then a far jump to a 64-bit segment.
 */
	.include "multiboot.inc"

	.set CR0_PE, (1 << 0)
	.set CR0_PG, (1 << 31)
	.set CR4_PAE, (1 << 5)
	.set MSR_EFER, 0xC0000080
	.set EFER_LME, (1 << 8)
	.set PTE_P, (1 << 0)
	.set PTE_W, (1 << 1)
	.set PTE_PS, (1 << 7)	/* 2 MiB page in a page directory */
	.set DIRECT_MAP_PML4, 256	/* 0xffff800000000000 >> 39 & 511 */
	.code32
	.section .text32, "ax"
	.global _start32
_start32:
	cli
	cld
	movl	$boot_stack_top, %esp
	movl	%eax, boot_magic
	movl	%ebx, boot_info
	rdtsc				/* the boot's time zero for kernel/stamp */
	movl	%eax, boot_tsc
	movl	%edx, boot_tsc + 4
	movl	boot_magic, %eax

	cmpl	$MB1_BOOT_MAGIC, %eax
	je	1f
	cmpl	$MB2_BOOT_MAGIC, %eax
	je	1f
	movl	$msg_not_multiboot, %esi
	jmp	fatal32
1:
	/* Long mode is CPUID.80000001H:EDX[29] (SDM Vol. 2A, CPUID). */
	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	jb	no_long_mode
	movl	$0x80000001, %eax
	cpuid
	btl	$29, %edx
	jnc	no_long_mode

	/* PML4[0] and PML4[256] share one PDPT whose four entries point at
	 * four page directories of 2 MiB pages: 4 GiB, twice. */
	movl	$boot_pdpt + (PTE_P | PTE_W), boot_pml4
	movl	$boot_pdpt + (PTE_P | PTE_W), boot_pml4 + DIRECT_MAP_PML4 * 8

	movl	$boot_pd + (PTE_P | PTE_W), %eax
	movl	$boot_pdpt, %edi
	movl	$4, %ecx
2:	movl	%eax, (%edi)
	addl	$4096, %eax
	addl	$8, %edi
	loop	2b

	movl	$(PTE_P | PTE_W | PTE_PS), %eax
	movl	$boot_pd, %edi
	movl	$2048, %ecx
3:	movl	%eax, (%edi)
	addl	$0x200000, %eax
	addl	$8, %edi
	loop	3b

	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$boot_pml4, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_PE), %eax
	movl	%eax, %cr0

	lgdt	boot_gdt_ptr
	ljmp	$0x08, $start64

no_long_mode:
	movl	$msg_no_long_mode, %esi
	/* fall through */

/* fatal32 prints the NUL-terminated string at ESI on COM1 and on the first
 * line of the VGA text screen, then halts. Nothing else is set up yet, so
 * it polls the UART's transmit-holding-register-empty bit (16550 LSR bit 5). */
fatal32:
	movl	$0xb8000, %edi
1:	lodsb
	testb	%al, %al
	jz	3f
	movb	%al, %bl
	movw	$0x3fd, %dx
2:	inb	%dx, %al
	testb	$0x20, %al
	jz	2b
	movw	$0x3f8, %dx
	movb	%bl, %al
	outb	%al, %dx
	movb	%bl, (%edi)
	movb	$0x4f, 1(%edi)		/* white on red */
	addl	$2, %edi
	jmp	1b
3:	cli
	hlt
	jmp	3b

	.section .rodata
msg_not_multiboot:
	.asciz	"boot: not started by a multiboot loader (bad magic in EAX); halted\r\n"
msg_no_long_mode:
	.asciz	"boot: this CPU has no 64-bit long mode; halted\r\n"

	/* Temporary GDT (SDM Vol. 3A §3.4.5): a 64-bit code segment (L=1)
	 * and a data segment. The Go side installs the real GDT and TSS. */
	.section .data
	.align 16
boot_gdt:
	.quad	0
	.quad	0x00209a0000000000	/* 0x08: code, present, DPL 0, L=1 */
	.quad	0x0000920000000000	/* 0x10: data, present, writable */
boot_gdt_end:
boot_gdt_ptr:
	.short	boot_gdt_end - boot_gdt - 1
	.long	boot_gdt

	.global boot_magic, boot_info, boot_tsc
boot_magic:	.long 0
boot_info:	.long 0
	.align 8
boot_tsc:	.quad 0

	.section .bss
	.align 4096
	.global boot_pml4
boot_pml4:	.skip 4096
boot_pdpt:	.skip 4096
boot_pd:	.skip 4 * 4096
boot_stack:	.skip 64 * 1024
	.global boot_stack_top
boot_stack_top:
