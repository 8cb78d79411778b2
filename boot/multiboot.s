/*
 * multiboot.S: the headers that let three loaders find and load the kernel.
 *
 * One ELF64 file carries both headers:
 *  - Multiboot 1 (spec 0.6.96 §3.1): within the first 8 KiB, 4-byte aligned.
 *    Flag bit 16 (the "a.out kludge") gives the load addresses explicitly,
 *    so QEMU's -kernel loader copies the file image without parsing the
 *    ELF64 headers it would otherwise refuse. The file bytes from
 *    _load_start to _load_end must equal the memory image; linker.ld keeps
 *    the whole kernel in one segment for that reason.
 *  - Multiboot 2 (spec 2.0 §3.1): within the first 32 KiB, 8-byte aligned,
 *    used by GRUB's multiboot2 command under BIOS and UEFI, which loads the
 *    ELF program headers.
 */
	.include "multiboot.inc"

	.section .multiboot, "a"
	.align 4
mb1_header:
	.long MB1_HEADER_MAGIC
	.long MB1_FLAGS
	.long -(MB1_HEADER_MAGIC + MB1_FLAGS)
	.long mb1_header	/* header_addr */
	.long _load_start	/* load_addr */
	.long _load_end		/* load_end_addr */
	.long _bss_end		/* bss_end_addr: the loader zeroes up to here */
	.long _start32		/* entry_addr */

	.align 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

	/* Information request (§3.1.4): the command line and the memory map.
	 * Marked optional so a loader lacking one still boots us; the kernel
	 * reports what is missing. */
	.align 8
mb2_info_request:
	.short MB2_TAG_INFO_REQUEST, MB2_TAG_OPTIONAL
	.long mb2_info_request_end - mb2_info_request
	.long MB2_INFO_CMDLINE
	.long MB2_INFO_MMAP
	.long MB2_INFO_FRAMEBUFFER
mb2_info_request_end:

	/* Framebuffer (§3.1.10): ask for a linear graphics mode, 1024x768 at
	 * 32 bits per pixel if the firmware has it (GRUB picks the closest),
	 * which GRUB sets through VBE under BIOS or GOP under UEFI and
	 * describes in tag 8. Optional: a loader that cannot leaves text
	 * mode, and the kernel uses the VGA text screen or serial only. */
	.align 8
mb2_framebuffer:
	.short MB2_TAG_FRAMEBUFFER, MB2_TAG_OPTIONAL
	.long mb2_framebuffer_end - mb2_framebuffer
	.long 1024	/* width */
	.long 768	/* height */
	.long 32	/* depth */
mb2_framebuffer_end:

	.align 8
	.short MB2_TAG_END, 0
	.long 8
mb2_header_end:
