/*
 * empty.S: the smallest kernel the loaders accept. It prints one line on
 * COM1 and leaves QEMU through isa-debug-exit with the pass code.
 *
 * It exists as a baseline: the boot benchmark compares QEMU's time to this
 * kernel's exit with the real kernel's time to "go: runtime up", so that
 * firmware and loader time can be told apart from our own start-up.
 * Same headers as multiboot.S (Multiboot 0.6.96 §3.1.1, Multiboot2 §3.1.1).
 */
	.include "multiboot.inc"

	.section .multiboot, "a"
	.align 4
mb1:
	.long MB1_HEADER_MAGIC
	.long MB1_FLAGS
	.long -(MB1_HEADER_MAGIC + MB1_FLAGS)
	.long mb1		/* header_addr */
	.long _load_start	/* load_addr */
	.long _load_end		/* load_end_addr */
	.long _bss_end		/* bss_end_addr */
	.long _start32		/* entry_addr */

	.align 8
mb2:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_end - mb2
	.long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_end - mb2))
	.short MB2_TAG_END, 0
	.long 8
mb2_end:

	.code32
	.section .text, "ax"
	.global _start32
_start32:
	cli
	movl	$msg, %esi
1:	lodsb
	testb	%al, %al
	jz	2f
	movw	$0x3f8, %dx	/* COM1 data register */
	outb	%al, %dx
	jmp	1b
2:	movb	$0x10, %al	/* isa-debug-exit: QEMU exits with (0x10<<1)|1 = 33 */
	outb	%al, $0xf4
3:	hlt
	jmp	3b

	.section .rodata
msg:	.asciz "empty: ok\n"
