# gokernel: a bare-metal x86-64 kernel that runs the unmodified Go runtime.
#
#   make            build build/kernel.elf
#   make run        boot it in QEMU (serial in this terminal; a window if
#                   there is a display)
#   make test       vet, host tests, QEMU tests, the boot matrix
#   make test-matrix          the boot matrix alone (QEMU and Bochs)
#   make test-one T=runtime   boot one in-kernel test (quick loop)
#   make fuzz-sys DURATION=600  the system-call fuzzer, random seed
#   make screenshots          docs/*.png: the screen after a few shell commands
#   make test-go GO=go1.27.4  build with that Go release and run its tests
#   make test-metal PKGS=./task/...  go test those packages on the metal
#   make test-std             Go's own tests of std packages on the metal: a table
#
# `make run` and `make test` install the Debian packages they need when run
# as root, or print the apt-get command otherwise.

SHELL    := /bin/bash
BUILD    := build
GOCMD    ?= go
AS       := as
LD       := ld
QEMU     := qemu-system-x86_64
OVMF     := /usr/share/ovmf/OVMF.fd

# The Go image is loaded at physical GO_BASE (its ELF header page), right
# after the boot stub at 1 MiB (linker.ld checks that the stub fits below
# it), and runs at GO_VBASE = KERNEL_VBASE + GO_BASE in the top 2 GiB of the
# address space, where no Linux program expects to be: the lower half is the
# program's (kernel/mem/layout.go). The linker's -T is an int64, so its text
# address GO_VBASE + 0x1000 = 0xffffffff80103000 is written as the negative
# number with the same bits; tools/mkimage checks that the three agree.
GO_BASE  := 0x102000
GO_VBASE := 0xffffffff80102000
GO_TEXT  := -0x7fefd000
KERNEL_GOENV := GOOS=linux GOARCH=amd64 CGO_ENABLED=0 $(if $(GO),GOTOOLCHAIN=$(GO))

# Go releases the kernel supports, in one place (the README lists them
# too): the latest of the go.mod minimum's line, and the newest release the
# module proxy serves. make test-go GO=... builds with any of them; CI runs
# the full suite on the local toolchain and the release set on the newest.
GO_RELEASES := go1.26.11 go1.27.4
GO_NEWEST   := $(lastword $(GO_RELEASES))
KERNEL_LDFLAGS := -E main.kernelEntry -T $(GO_TEXT)

MEM      ?= 128M
CMDLINE  ?=
QEMU_BASE := -accel tcg -m $(MEM) -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04
# A window when a display is available, otherwise headless.
QEMU_DISPLAY := $(if $(DISPLAY)$(WAYLAND_DISPLAY),,-display none)

# bochs-term gives Bochs a display without X (tools/vm/bochs.go); listed
# with bochs, it satisfies bochs's need of a display front end.
DEB_PACKAGES := qemu-system-x86 grub-pc-bin grub-efi-amd64-bin grub-common \
	xorriso mtools ovmf binutils bochs bochs-term bochsbios vgabios

GO_SOURCES   := go.mod go.sum $(shell find arch kernel task keyboard -name '*.go' -not -name '*_test.go' -o -name '*.s' 2>/dev/null)
BOOT_OBJECTS := $(BUILD)/multiboot.o $(BUILD)/start32.o $(BUILD)/start64.o $(BUILD)/ap.o $(BUILD)/goimage.o
HOST_PKGS     = $(shell $(GOCMD) list ./... | grep -v /tools/boottest)
# The project's packages whose tests also run on the metal (make test):
# every package with tests but the host tools.
METAL_PKGS    = $(shell $(GOCMD) list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}' ./... | grep -v /tools/)
GOEXEC       := $(BUILD)/goexec

.PHONY: all kernel iso run run-iso run-uefi debug test test-host test-qemu \
	test-matrix test-metal test-metal-own test-std test-one fuzz-sys screenshots bench-boot deps check-go check-toolchain test-go test-go-newest \
	syscall-report clean

all: kernel
kernel: $(BUILD)/kernel.elf

# The Go program: package main in kernel/, built by the standard toolchain
# as a static linux/amd64 executable whose entry is main.kernelEntry.
$(BUILD)/go.elf: $(GO_SOURCES) | check-go check-toolchain
	@mkdir -p $(BUILD)
	$(KERNEL_GOENV) $(GOCMD) build -trimpath -o $@ -ldflags "$(KERNEL_LDFLAGS)" ./kernel

# The vDSO: a small shared object the kernel maps into the Go program.
$(BUILD)/vdso.so: $(BUILD)/vdso.o boot/vdso.ld boot/vdso.lds
	$(LD) -m elf_x86_64 -shared -soname linux-vdso.so.1 --hash-style=both \
		--version-script=boot/vdso.lds -T boot/vdso.ld -z max-page-size=4096 \
		-z noexecstack -nostdlib -o $@ $<

# Its memory image (with the symbol table and the vDSO filled in) and the
# symbols linker.ld needs.
$(BUILD)/go.bin $(BUILD)/go.ld &: $(BUILD)/go.elf $(BUILD)/vdso.so tools/mkimage/main.go
	$(GOCMD) run ./tools/mkimage -base $(GO_VBASE) -phys $(GO_BASE) -vdso $(BUILD)/vdso.so -bin $(BUILD)/go.bin -ld $(BUILD)/go.ld $<

$(BUILD)/%.o: boot/%.s boot/multiboot.inc
	@mkdir -p $(BUILD)
	$(AS) --64 -I boot -I $(BUILD) -o $@ $<

$(BUILD)/goimage.o: $(BUILD)/go.bin

# The kernel: the stub with the Go image inside, one loadable segment. The
# header check makes a loader-rejected image a build failure.
$(BUILD)/kernel.elf: $(BOOT_OBJECTS) linker.ld $(BUILD)/go.ld
	$(LD) -m elf_x86_64 -z max-page-size=0x1000 --no-warn-rwx-segments \
		-L $(BUILD) -T linker.ld -o $@ $(BOOT_OBJECTS)
	$(GOCMD) run ./tools/hdrcheck $@

# The baseline for boot-time measurements: a kernel that only exits.
$(BUILD)/empty.elf: $(BUILD)/empty.o boot/empty.ld
	$(LD) -m elf_x86_64 -z max-page-size=0x1000 --no-warn-rwx-segments -T boot/empty.ld -o $@ $<

iso: $(BUILD)/kernel.iso
$(BUILD)/kernel.iso: $(BUILD)/kernel.elf tools/mkiso/main.go tools/vm/iso.go | deps
	$(GOCMD) run ./tools/mkiso -kernel $< -o $@ -xz $(if $(CMDLINE),-cmdline "$(CMDLINE)")

run: deps kernel
	$(QEMU) $(QEMU_BASE) $(QEMU_DISPLAY) -serial mon:stdio -kernel $(BUILD)/kernel.elf -append "$(CMDLINE)"

run-iso: deps iso
	$(QEMU) $(QEMU_BASE) $(QEMU_DISPLAY) -serial mon:stdio -cdrom $(BUILD)/kernel.iso

run-uefi: deps iso
	$(QEMU) $(QEMU_BASE) $(QEMU_DISPLAY) -serial mon:stdio -bios $(OVMF) -cdrom $(BUILD)/kernel.iso

# QEMU waits for gdb on port 1234. build/go.elf carries the Go symbols and
# DWARF at the addresses the kernel runs at; kernel.elf adds the stub's.
debug: deps kernel
	@echo "In another terminal:"
	@echo "  gdb $(BUILD)/go.elf -ex 'add-symbol-file $(BUILD)/kernel.elf' -ex 'target remote localhost:1234'"
	$(QEMU) $(QEMU_BASE) -display none -serial mon:stdio -s -S -kernel $(BUILD)/kernel.elf -append "$(CMDLINE)"

test: deps kernel iso $(BUILD)/empty.elf test-host test-qemu test-metal-own test-matrix

test-host:
	gofmt -l . | tee /dev/stderr | (! read)
	$(GOCMD) vet ./...
	$(GOCMD) test -race $(HOST_PKGS)
	$(GOCMD) test -run '^$$' -bench . -benchtime 200ms -benchmem ./task/... ./keyboard/ ./kernel/futex/ ./kernel/mem/...
	$(GOCMD) run ./tools/ring0check $(BUILD)/go.elf

test-qemu:
	$(GOCMD) test -count=1 -timeout 15m ./tools/boottest

# go test on the metal (issue 17): tools/goexec boots each test binary as
# the kernel's program, its files in a cpio module. -race is off (it needs
# cgo); -short as everywhere on the metal.
$(GOEXEC): $(shell find tools/goexec kernel/fs/cpio -name '*.go' -not -name '*_test.go')
	@mkdir -p $(BUILD)
	$(GOCMD) build -o $@ ./tools/goexec

PKGS ?= ./task/...
test-metal: deps kernel $(GOEXEC)
	CGO_ENABLED=0 $(GOCMD) test -count=1 -short -p 2 -exec $(abspath $(GOEXEC)) $(PKGS)

test-metal-own: deps kernel $(GOEXEC)
	CGO_ENABLED=0 $(GOCMD) test -count=1 -short -p 2 -exec $(abspath $(GOEXEC)) $(METAL_PKGS)

# Go's own tests of the packages in tools/teststd/packages.txt on the
# metal, as a Markdown table (also in build/test-std.md).
test-std: deps kernel $(GOEXEC)
	$(GOCMD) run ./tools/teststd -goexec $(GOEXEC) -list tools/teststd/packages.txt -o $(BUILD)/test-std.md

# Both images across firmware x machine x CPU, and the ISO under Bochs:
# a Markdown table with the time to `ready`; fails if a case failed.
test-matrix: deps kernel iso
	$(GOCMD) run ./tools/matrix -set full

# One in-kernel test by name under -kernel, for a quick edit-boot loop.
T ?= boot
test-one: deps kernel
	$(QEMU) $(QEMU_BASE) -display none -serial stdio -kernel $(BUILD)/kernel.elf -append "test=$(T)"; \
	  s=$$?; echo "qemu exit status $$s ($$( [ $$s = 33 ] && echo pass || echo fail))"; [ $$s = 33 ]

# The system-call fuzzer (test=sysfuzz) for DURATION with a random seed
# (or SEED=N to replay one); the seed is its first line. make test runs it
# for 20 s with seed 1.
DURATION ?= 60s
SEED     := $(or $(SEED),$(shell od -An -N4 -tu4 /dev/urandom | tr -d ' '))
fuzz-sys: deps kernel
	timeout $$(( $(patsubst %s,%,$(DURATION)) + 120 )) \
	  $(QEMU) $(QEMU_BASE) -display none -serial stdio -kernel $(BUILD)/kernel.elf \
	  -append "SYSFUZZ_SEED=$(SEED) SYSFUZZ_DURATION=$(patsubst %s,%,$(DURATION))s test=sysfuzz" \
	  | grep -av '^sys: unknown system call\|^\.*$$'; \
	  s=$${PIPESTATUS[0]}; echo "qemu exit status $$s ($$( [ $$s = 33 ] && echo pass || echo fail)); seed $(SEED)"; [ $$s = 33 ]

# PNGs of the screen after a few shell commands, for the README: -kernel
# under SeaBIOS (VGA text) and the ISO under SeaBIOS and OVMF (framebuffer).
screenshots: deps kernel iso
	$(GOCMD) run ./tools/screenshots -kernel $(BUILD)/kernel.elf -iso $(BUILD)/kernel.iso -o docs

bench-boot: deps kernel $(BUILD)/empty.elf
	$(GOCMD) test -run '^$$' -bench Boot -benchtime 10x ./tools/boottest

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "missing Debian packages:$$missing"; \
	    echo "install them with: sudo apt-get install -y --no-install-recommends$$missing"; \
	    exit 1; \
	  fi; \
	fi

check-go:
	@command -v $(GOCMD) >/dev/null || { echo "Go 1.26 or newer is needed (https://go.dev/dl); it is not on PATH"; exit 1; }

# With GO=goX.Y.Z the kernel is built by that release, fetched through the
# module proxy. GOTOOLCHAIN=goX.Y.Z never falls back to the local Go; a
# release that cannot be fetched stops the build here, named.
check-toolchain:
ifneq ($(GO),)
	@out=$$(GOTOOLCHAIN=$(GO) $(GOCMD) version 2>&1); \
	if ! echo "$$out" | grep -q "^go version $(GO) "; then \
	  echo "cannot fetch the Go toolchain $(GO) through the module proxy ($$($(GOCMD) env GOPROXY)):"; \
	  echo "$$out"; exit 1; fi
endif

# The release test set with the Go release GO: the kernel is built into
# build/GO and must report exactly that release at boot.
test-go: deps
	@test -n "$(GO)" || { echo "usage: make test-go GO=go1.X.Y (supported: $(GO_RELEASES))"; exit 1; }
	$(MAKE) kernel BUILD=$(BUILD)/$(GO) GO=$(GO)
	GOKERNEL_BUILD=$(abspath $(BUILD)/$(GO)) GOKERNEL_RELEASE=$(GO) \
	  $(GOCMD) test -count=1 -timeout 10m -run 'TestRelease' ./tools/boottest

test-go-newest:
	$(MAKE) test-go GO=$(GO_NEWEST)

# The system calls each supported release makes, side by side.
syscall-report: deps
	@for r in $(GO_RELEASES); do \
	  $(MAKE) -s kernel BUILD=$(BUILD)/$$r GO=$$r >/dev/null || exit 1; \
	  $(QEMU) $(QEMU_BASE) -display none -serial stdio -kernel $(BUILD)/$$r/kernel.elf \
	    -append test=syscalls > $(BUILD)/$$r/syscalls.log; \
	  [ $$? = 33 ] || { echo "$$r: test=syscalls failed:"; grep -a "FAIL\|UNLISTED" $(BUILD)/$$r/syscalls.log; }; \
	done
	$(GOCMD) run ./tools/sysreport $(foreach r,$(GO_RELEASES),$(BUILD)/$(r)/syscalls.log)

clean:
	rm -rf $(BUILD)
