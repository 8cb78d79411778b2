// Command goexec runs a linux/amd64 Go program on the gokernel kernel in
// QEMU: the program goes in as a boot module, the files it needs as a
// second one (a cpio archive the kernel mounts read-only at /), and its
// exit status comes back as goexec's. It is a `go test -exec` and
// `go run -exec` program:
//
//	go build -o build/goexec ./tools/goexec
//	go test -exec $PWD/build/goexec ./task/...
//	go run -exec $PWD/build/goexec ./hello
//
// (make test-metal PKGS=./task/... does the same.) goexec builds nothing:
// it takes the binary the go command built and the arguments it passes
// (-test.* flags included), packs the archive from the working directory
// (the package's, for go test), boots QEMU headless, streams what the
// program writes to stdout, and exits with the program's status.
//
// The archive holds, at their host paths: the working directory's regular
// files, its testdata/ tree, and for each parent up to the module root
// (go.mod) or $GOROOT/src the regular files in it and its testdata/ tree
// (tests read ../testdata, ../../README.md),
// $GOROOT/lib/time/zoneinfo.zip, and an /etc/hosts naming 127.0.0.1
// localhost (the kernel's network is the loopback alone). The program starts in the working
// directory (cwd=), with TMPDIR=/tmp, a writable file system in memory.
//
// Environment:
//
//	GOEXEC_KERNEL   the kernel ELF (default: kernel.elf beside goexec, or
//	                build/kernel.elf in a parent of the working directory)
//	GOEXEC_MEM      QEMU's RAM (default 512M)
//	GOEXEC_SMP      QEMU's CPUs (default 1)
//	GOEXEC_TIMEOUT  how long the program may run (default: -test.timeout
//	                plus a minute, else 20m)
//	GOEXEC_LOG      a file to which the whole serial log is written
//	GOEXEC_VERBOSE  1: also show the kernel's boot lines
//	GOEXEC_ENV      extra NAME=VALUE words for the program's environment
//
// GODEBUG, GOTRACEBACK, GOGC, GOMEMLIMIT, GOMAXPROCS, GOROOT and TZ pass
// through from goexec's own environment.
//
// Exit status: the program's (QEMU's status 65+2N for status N, set by the
// kernel's exit=qemu; 95 means 95 or more, and the exact one is taken
// from the kernel's last line); 1 with a message on stderr when the kernel
// stopped first (QEMU status 35: a bad program, a kernel fault), QEMU
// failed, or the time ran out.
package main

import (
	"fmt"
	"os"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: goexec PROGRAM [ARGS...]  (a go test -exec / go run -exec program)")
		os.Exit(2)
	}
	status, err := run(os.Args[1], os.Args[2:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "goexec:", err)
		if status == 0 {
			status = 1
		}
	}
	os.Exit(status)
}

// run boots prog with args and returns its exit status.
func run(prog string, args []string) (int, error) {
	cfg, err := configure(prog, args)
	if err != nil {
		return 1, err
	}
	dir, err := os.MkdirTemp("", "goexec-")
	if err != nil {
		return 1, err
	}
	defer os.RemoveAll(dir)
	archive, err := pack(dir, cfg.cwd, cfg.goroot)
	if err != nil {
		return 1, err
	}
	cfg.archive = archive
	start := time.Now()
	status, err := boot(cfg, os.Stdout, os.Stderr)
	if cfg.verbose {
		fmt.Fprintf(os.Stderr, "goexec: %s in %v\n", prog, time.Since(start).Round(time.Millisecond))
	}
	return status, err
}
