/* goimage.S: the Go program's memory image (build/go.bin, made by
 * tools/mkimage from the Go linker's ELF). linker.ld places this section at
 * GO_BASE, the address the Go linker was told, so no relocation is needed. */
	.section .goimage, "a"
	.incbin "go.bin"
