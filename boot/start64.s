/*
 * start64.S: the first 64-bit instructions, and the hand-off to Go.
 *
 * Before any Go function runs, three things the Go ABI assumes must hold:
 *  - SSE is usable: the ABI0-to-ABIInternal wrapper zeroes X15 and the
 *    compiler uses SSE for copies. CR0.EM=0, CR0.MP=1, CR4.OSFXSR and
 *    CR4.OSXMMEXCPT (SDM Vol. 3A §13.1.3). CR4.OSXSAVE stays off, so the
 *    runtime never uses AVX and FXSAVE is enough to save vector state.
 *  - -8(FS) holds a g pointer, which every wrapper loads into R14. We point
 *    it at a page of zeros: a Go prologue compares SP with a field of g,
 *    and SP is always above zero, so no stack check fires and no runtime
 *    code is needed before the runtime exists.
 *  - A stack: boot_stack, 64 KiB in the stub's bss.
 *
 * The Go entry (GO_ENTRY, main.kernelEntry) receives:
 *   RDI = boot magic, RSI = boot information address,
 *   RDX = first byte of the kernel image, RCX = end of the image (with bss),
 *   R8  = base of the Go image (its ELF header),
 *   R9, R10 = start and end of the AP trampoline's bytes (ap.s),
 *   R11 = the TSC at the stub's first instruction (kernel/stamp).
 */
	.include "multiboot.inc"

	.set CR0_MP, (1 << 1)
	.set CR0_EM, (1 << 2)
	.set CR4_OSFXSR, (1 << 9)
	.set CR4_OSXMMEXCPT, (1 << 10)
	.set MSR_FS_BASE, 0xC0000100
	.code64
	.section .text, "ax"
	.global start64
start64:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorw	%ax, %ax
	movw	%ax, %fs
	movw	%ax, %gs

	movq	%cr0, %rax
	andq	$~CR0_EM, %rax
	orq	$CR0_MP, %rax
	movq	%rax, %cr0
	movq	%cr4, %rax
	orq	$(CR4_OSFXSR | CR4_OSXMMEXCPT), %rax
	movq	%rax, %cr4

	movl	$MSR_FS_BASE, %ecx
	movq	$boot_tls_base, %rax
	movq	%rax, %rdx
	shrq	$32, %rdx
	wrmsr

	movq	$boot_stack_top, %rsp
	movl	boot_magic, %edi
	movl	boot_info, %esi
	movq	$_load_start, %rdx
	movq	$_bss_end, %rcx
	movq	$GO_BASE, %r8
	movq	$ap_tramp_start, %r9
	movq	$ap_tramp_end, %r10
	movq	boot_tsc, %r11
	movq	$GO_ENTRY, %rax
	call	*%rax
	/* kernelEntry never returns. */
1:	cli
	hlt
	jmp	1b

	.section .data
	.align 8
	/* -8(FS) during early boot: the address of a zero page. */
boot_tls:
	.quad	boot_zero_g
boot_tls_base:

	.section .bss
	.align 4096
boot_zero_g:	.skip 4096
