/* goimage.S: the Go program's memory image (build/go.bin, made by
 * tools/mkimage from the Go linker's ELF). linker.ld places this section at
 * physical GO_BASE, which the boot stub maps at GO_VBASE, the address the Go
 * linker was told, so no relocation is needed. */
	.section .goimage, "a"
	.incbin "go.bin"
