# gokernel: a bare-metal x86-64 kernel that runs the unmodified Go runtime.
#
# `make help` lists the targets. Its text is this file's own: the "## "
# comment line right above a target's rule is that target's line.
#
# Each target checks that what it uses is installed (tools/deps): `make run`
# needs QEMU, `make iso` GRUB, xorriso and mtools, `make run-uefi` OVMF too,
# `make test-matrix` Bochs too. On Debian as root the check installs what is
# missing; elsewhere it prints the install command. SKIP_DEPS=1 skips it.

SHELL    := /bin/bash
BUILD    := build
GOCMD    ?= go
AS       := as
LD       := ld
QEMU     := qemu-system-x86_64
OVMF     ?= /usr/share/ovmf/OVMF.fd

# The Go image is linked at GO_BASE (its ELF header page), right after the
# boot stub at 1 MiB; linker.ld checks that the stub fits below it.
GO_BASE  := 0x102000
GO_TEXT  := 0x103000
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
# make run, run-iso, run-uefi, debug and gdb boot through tools/qemurun,
# which reads ACCEL (auto: KVM when /dev/kvm is usable, else TCG; kvm;
# tcg) and QEMU_ARGS (extra QEMU arguments, appended last, as tools/vm
# takes them in the tests) from the environment; make passes both on from
# its command line. A reset reboots there; the tests run with -no-reboot.
QEMURUN  = $(GOCMD) run ./tools/qemurun -m $(MEM)
# The quick loops below (test-one, fuzz-sys, syscall-report) run under TCG,
# as the tests do, exiting on the kernel's verdict or a reset.
QEMU_BASE := -accel tcg -m $(MEM) -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04

# What each group of targets needs installed: tools/deps checks for the
# programs and files and knows their package names on Debian, Fedora and
# Arch. `deps-build` and the like are its entry points, named by group.
SKIP_DEPS ?=
deps-%:
	@$(if $(SKIP_DEPS),true,OVMF=$(OVMF) $(GOCMD) run ./tools/deps $*)

GO_SOURCES   := go.mod go.sum $(shell find arch kernel task keyboard -name '*.go' -not -name '*_test.go' -o -name '*.s' 2>/dev/null)
BOOT_OBJECTS := $(BUILD)/multiboot.o $(BUILD)/start32.o $(BUILD)/start64.o $(BUILD)/ap.o $(BUILD)/goimage.o
HOST_PKGS     = $(shell $(GOCMD) list ./... | grep -v /tools/boottest)

.PHONY: all help kernel iso run run-iso run-uefi debug gdb test test-host test-qemu \
	test-matrix test-one fuzz-sys screenshots bench bench-boot deps check-go check-toolchain test-go test-go-newest \
	syscall-report clean

## build build/kernel.elf (the default)
all: kernel

## list the targets, one line each (from the "## " comments in the Makefile)
help:
	@awk '/^## /{h=substr($$0,4);next} /^[a-z][a-zA-Z0-9_-]*:/{if(h!=""){n=$$1;sub(/:.*/,"",n);printf "  make %-16s %s\n",n,h}} {h=""}' $(firstword $(MAKEFILE_LIST))
	@echo "Variables: CMDLINE=\"...\" MEM=128M ACCEL=auto|kvm|tcg QEMU_ARGS=\"...\" T=NAME TIMEOUT=120 BREAK=main.main GO=go1.X.Y SKIP_DEPS=1 DOCS=1"

## build/kernel.elf, checked by tools/hdrcheck
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
	$(GOCMD) run ./tools/mkimage -base $(GO_BASE) -vdso $(BUILD)/vdso.so -bin $(BUILD)/go.bin -ld $(BUILD)/go.ld $<

$(BUILD)/%.o: boot/%.s boot/multiboot.inc | deps-build
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

## build/kernel.iso: GRUB (multiboot2) for BIOS and UEFI
iso: $(BUILD)/kernel.iso
$(BUILD)/kernel.iso: $(BUILD)/kernel.elf tools/mkiso/main.go tools/vm/iso.go | deps-iso
	$(GOCMD) run ./tools/mkiso -kernel $< -o $@ -xz $(if $(CMDLINE),-cmdline "$(CMDLINE)")

## boot build/kernel.elf in QEMU; serial in this terminal (Ctrl-A X quits)
run: deps-qemu kernel
	$(QEMURUN) -kernel $(BUILD)/kernel.elf -append "$(CMDLINE)"

## boot the ISO under SeaBIOS (GRUB, framebuffer console)
run-iso: deps-qemu iso
	$(QEMURUN) -iso $(BUILD)/kernel.iso

## boot the ISO under OVMF (UEFI); OVMF=path for another firmware image
run-uefi: deps-qemu deps-uefi iso
	$(QEMURUN) -iso $(BUILD)/kernel.iso -uefi -ovmf $(OVMF)

# QEMU waits for gdb on port 1234. build/go.elf carries the Go symbols and
# DWARF at the addresses the kernel runs at; kernel.elf adds the stub's.
## QEMU waiting for gdb on port 1234; prints the gdb command line
debug: deps-qemu kernel
	$(QEMURUN) -debug -kernel $(BUILD)/kernel.elf -go-elf $(BUILD)/go.elf -append "$(CMDLINE)"

# GDB_FLAGS adds tools/qemurun flags: "-batch -ex bt" runs gdb's commands
# after the breakpoint and quits (TestMakeGDB does).
BREAK ?= main.main
## QEMU and gdb together: both symbol files, Go's runtime-gdb.py, a breakpoint at BREAK=main.main
gdb: deps-qemu deps-gdb kernel
	$(QEMURUN) -gdb -break '$(BREAK)' -kernel $(BUILD)/kernel.elf -go-elf $(BUILD)/go.elf \
	  -goroot "$$($(KERNEL_GOENV) $(GOCMD) env GOROOT)" -append "$(CMDLINE)" $(GDB_FLAGS)

## everything below: vet, host tests, QEMU tests, the boot matrix (about 12 minutes)
test: deps kernel iso $(BUILD)/empty.elf test-host test-qemu test-matrix

## gofmt, go vet, host tests with -race, benchmarks, the ring-0 disassembly check
test-host: kernel
	gofmt -l . | tee /dev/stderr | (! read)
	$(GOCMD) vet ./...
	$(GOCMD) test -race $(HOST_PKGS)
	$(GOCMD) test -run '^$$' -bench . -benchtime 200ms -benchmem ./task/... ./keyboard/ ./kernel/futex/ ./kernel/mem/...
	$(GOCMD) run ./tools/ring0check $(BUILD)/go.elf

## the boot tests in QEMU (tools/boottest): every in-kernel test, the shell, the screens
test-qemu: deps-qemu deps-iso deps-uefi deps-gdb kernel iso $(BUILD)/empty.elf
	GOKERNEL_REQUIRE_IMAGES=1 $(GOCMD) test -count=1 -timeout 15m ./tools/boottest

# Both images across firmware x machine x CPU, and the ISO under Bochs:
# a Markdown table with the time to `ready`; fails if a case failed.
## both images across firmware, machine and CPU, and the ISO under Bochs
test-matrix: deps-qemu deps-uefi deps-bochs kernel iso
	$(GOCMD) run ./tools/matrix -set full

# One in-kernel test by name under -kernel, for a quick edit-boot loop:
# tools/testone reads the test's outcome from the kernel's table (test=list)
# and judges the run by it, with a timeout.
T ?= boot
TIMEOUT ?= 120
ifneq ($(filter test-one,$(MAKECMDGOALS)),)
ifeq ($(strip $(T)),)
$(error T is empty: make test-one T=NAME (make test-one T=list names the tests))
endif
endif
## one in-kernel test by name: make test-one T=runtime (T=list names them)
test-one: deps-qemu kernel
	$(GOCMD) run ./tools/testone -kernel $(BUILD)/kernel.elf -m $(MEM) -timeout $(TIMEOUT)s -- "$(T)"

# The system-call fuzzer (test=sysfuzz) for DURATION with a random seed
# (or SEED=N to replay one); the seed is its first line. make test runs it
# for 20 s with seed 1.
DURATION ?= 60s
SEED     := $(or $(SEED),$(shell od -An -N4 -tu4 /dev/urandom | tr -d ' '))
## the system-call fuzzer for DURATION=600 seconds, random seed (SEED=N replays one)
fuzz-sys: deps-qemu kernel
	timeout $$(( $(patsubst %s,%,$(DURATION)) + 120 )) \
	  $(QEMU) $(QEMU_BASE) -display none -serial stdio -kernel $(BUILD)/kernel.elf \
	  -append "SYSFUZZ_SEED=$(SEED) SYSFUZZ_DURATION=$(patsubst %s,%,$(DURATION))s test=sysfuzz" \
	  | grep -av '^sys: unknown system call\|^\.*$$'; \
	  s=$${PIPESTATUS[0]}; echo "qemu exit status $$s ($$( [ $$s = 33 ] && echo pass || echo fail)); seed $(SEED)"; [ $$s = 33 ]

# PNGs of the screen after a few shell commands: -kernel under SeaBIOS
# (VGA text) and the ISO under SeaBIOS and OVMF (framebuffer). They go to
# build/screenshots, so a run never changes the tree; DOCS=1 writes the
# README's copies in docs/.
## PNGs of the screen after a few shell commands, in build/screenshots (DOCS=1: docs/)
screenshots: deps-qemu deps-uefi kernel iso
	$(GOCMD) run ./tools/screenshots -kernel $(BUILD)/kernel.elf -iso $(BUILD)/kernel.iso -o $(if $(DOCS),docs,$(BUILD)/screenshots)

# Every benchmark once, each beside its baseline from the same run, as a
# Markdown table (README.md, "Benchmarks"). BENCHTIME=1s per host benchmark.
BENCHTIME ?= 1s
## every benchmark with its baseline and the ratio, as a Markdown table
bench: deps-qemu kernel $(BUILD)/empty.elf
	$(GOCMD) run ./tools/bench -benchtime $(BENCHTIME)

## boot time to "go: runtime up", against an empty kernel
bench-boot: deps-qemu kernel $(BUILD)/empty.elf
	$(GOCMD) test -run '^$$' -bench Boot -benchtime 10x ./tools/boottest

## install (Debian, as root) or name everything the targets need
deps: deps-build deps-qemu deps-iso deps-uefi deps-bochs deps-gdb

## fail unless Go is on PATH
check-go:
	@command -v $(GOCMD) >/dev/null || { echo "Go 1.26 or newer is needed (https://go.dev/dl); it is not on PATH"; exit 1; }

# With GO=goX.Y.Z the kernel is built by that release, fetched through the
# module proxy. GOTOOLCHAIN=goX.Y.Z never falls back to the local Go; a
# release that cannot be fetched stops the build here, named.
## with GO=goX.Y.Z: fail unless that Go release can be fetched
check-toolchain:
ifneq ($(GO),)
	@out=$$(GOTOOLCHAIN=$(GO) $(GOCMD) version 2>&1); \
	if ! echo "$$out" | grep -q "^go version $(GO) "; then \
	  echo "cannot fetch the Go toolchain $(GO) through the module proxy ($$($(GOCMD) env GOPROXY)):"; \
	  echo "$$out"; exit 1; fi
endif

# The release test set with the Go release GO: the kernel is built into
# build/GO and must report exactly that release at boot.
## build with the Go release GO=go1.27.4 and boot its test set, each test named (-v)
test-go: deps-qemu
	@test -n "$(GO)" || { echo "usage: make test-go GO=go1.X.Y (supported: $(GO_RELEASES))"; exit 1; }
	$(MAKE) kernel BUILD=$(BUILD)/$(GO) GO=$(GO)
	GOKERNEL_BUILD=$(abspath $(BUILD)/$(GO)) GOKERNEL_RELEASE=$(GO) GOKERNEL_REQUIRE_IMAGES=1 \
	  $(GOCMD) test -count=1 -v -timeout 10m -run 'TestRelease' ./tools/boottest

## make test-go with the newest supported release (CI runs it)
test-go-newest:
	$(MAKE) test-go GO=$(GO_NEWEST)

# The system calls each supported release makes, side by side; the same for
# two runs of one release (tools/sysreport says what it leaves out).
## the system calls of every supported Go release, side by side
syscall-report: deps-qemu
	@for r in $(GO_RELEASES); do \
	  $(MAKE) -s kernel BUILD=$(BUILD)/$$r GO=$$r >/dev/null || exit 1; \
	  $(QEMU) $(QEMU_BASE) -display none -serial stdio -kernel $(BUILD)/$$r/kernel.elf \
	    -append test=syscalls > $(BUILD)/$$r/syscalls.log; \
	  [ $$? = 33 ] || { echo "$$r: test=syscalls failed:"; grep -a "FAIL\|UNLISTED" $(BUILD)/$$r/syscalls.log; }; \
	done
	$(GOCMD) run ./tools/sysreport $(foreach r,$(GO_RELEASES),$(BUILD)/$(r)/syscalls.log)

## remove build/
clean:
	rm -rf $(BUILD)
