/*
 * ap.s: the trampoline that takes an application processor (AP) from the
 * real mode it wakes in to the kernel's 64-bit entry.
 *
 * An AP starts at the 4 KiB page whose number the startup IPI carries, in
 * real mode with CS = page << 8, IP = 0 (SDM Vol. 3A §8.4.4.2). The boot
 * CPU copies these bytes to such a page below 1 MiB, fills the data block
 * at offset DATA (the fields below, patched with the page's address), maps
 * the page at its own address in the kernel's page tables, and sends INIT
 * and startup IPIs. The code switches to protected mode with its own small
 * GDT, enables PAE, loads the kernel's CR3, sets EFER.LME (and NXE, SCE as
 * the boot CPU has them), enables paging and jumps to 64-bit code
 * (SDM Vol. 3A §10.8.5, the same order as start32.s), which claims the
 * data block by swapping 1 into STARTED, sets its FS base (the kernel's
 * TLS) and GS base (its kernel/cpu block), loads the kernel's IDT, so that
 * a fault from here on is reported rather than a triple fault, and jumps
 * to the kernel's AP entry (main.apEntry) with RDI = the CPU's index, on
 * its kernel stack. A CPU that finds the block
 * claimed already (an AP that came up after the boot CPU gave up on it,
 * while another uses the block) halts for good instead: two CPUs on one
 * stack would corrupt both.
 *
 * The code is position independent: 16-bit code addresses the page
 * through DS = CS, 32- and 64-bit code through EBX = the page's address.
 */
	.set DATA, 0x100
	.set GDT, DATA + 0x00		/* 4 descriptors */
	.set GDTR, DATA + 0x20		/* limit, base (patched: + page) */
	.set PMFAR, DATA + 0x28		/* offset (patched: + page), selector */
	.set LMFAR, DATA + 0x30		/* offset (patched: + page), selector */
	.set CR3, DATA + 0x38
	.set EFER, DATA + 0x3C		/* bits to set in EFER besides LME */
	.set STACK, DATA + 0x40
	.set ENTRY, DATA + 0x48
	.set INDEX, DATA + 0x50
	.set FSBASE, DATA + 0x58
	.set GSBASE, DATA + 0x60
	.set STARTED, DATA + 0x68	/* 0; the AP swaps in 1 in 64-bit mode */
	.set IDTR, DATA + 0x76		/* limit, base: the kernel's IDT */
	.set MSR_FS_BASE, 0xC0000100
	.set MSR_GS_BASE, 0xC0000101
	.set CR0_PE, (1 << 0)
	.set CR0_WP, (1 << 16)
	.set CR0_PG, (1 << 31)
	.set CR4_PAE, (1 << 5)
	.set MSR_EFER, 0xC0000080
	.set EFER_LME, (1 << 8)

	.section .rodata
	.global ap_tramp_start, ap_tramp_end
	.balign 16
ap_tramp_start:
	.code16
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	xorl	%ebx, %ebx
	movw	%ax, %bx
	shll	$4, %ebx		/* the page's linear address */
	lgdtl	GDTR
	movl	%cr0, %eax
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	*PMFAR

	.code32
ap_pm:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	CR3(%ebx), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	orl	EFER(%ebx), %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_WP), %eax
	movl	%eax, %cr0
	ljmp	*LMFAR(%ebx)

	.code64
ap_lm:
	movl	$1, %eax
	xchgl	%eax, STARTED(%rbx)	/* locked (SDM Vol. 2B, XCHG) */
	testl	%eax, %eax
	jnz	ap_park
	movl	$MSR_FS_BASE, %ecx
	movl	FSBASE(%rbx), %eax
	movl	FSBASE+4(%rbx), %edx
	wrmsr
	movl	$MSR_GS_BASE, %ecx
	movl	GSBASE(%rbx), %eax
	movl	GSBASE+4(%rbx), %edx
	wrmsr
	lidt	IDTR(%rbx)
	movq	STACK(%rbx), %rsp
	movq	INDEX(%rbx), %rdi
	movq	ENTRY(%rbx), %rax
	jmp	*%rax
ap_park:
	cli
	hlt
	jmp	ap_park

	.org	ap_tramp_start + GDT
	/* The kernel's selectors for its code and data (kernel/trap, gdt.go),
	 * so that the IDT's gates work before the AP loads its own GDT. */
	.quad	0
	.quad	0x00af9a000000ffff	/* 0x08: 64-bit code, the kernel's CS */
	.quad	0x00cf92000000ffff	/* 0x10: data, flat, the kernel's DS */
	.quad	0x00cf9a000000ffff	/* 0x18: 32-bit code, flat */
	.org	ap_tramp_start + GDTR
	.word	4 * 8 - 1
	.long	GDT
	.org	ap_tramp_start + PMFAR
	.long	ap_pm - ap_tramp_start
	.word	0x18
	.org	ap_tramp_start + LMFAR
	.long	ap_lm - ap_tramp_start
	.word	0x08
	.org	ap_tramp_start + IDTR + 10
ap_tramp_end:
