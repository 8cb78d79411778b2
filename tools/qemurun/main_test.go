package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestChooseAccel(t *testing.T) {
	for _, c := range []struct {
		env        string
		kvm, debug bool
		want       string
		wantErr    bool
	}{
		{"", true, false, KVM, false},
		{"auto", false, false, TCG, false},
		{"", true, true, TCG, false}, // debugging: TCG unless asked
		{"tcg", true, false, TCG, false},
		{"kvm", false, true, KVM, false},
		{"hvf", true, false, "", true},
	} {
		got, why, err := chooseAccel(c.env, c.kvm, c.debug)
		if got != c.want || (err != nil) != c.wantErr || (err == nil && why == "") {
			t.Errorf("chooseAccel(%q, %v, %v) = %q, %q, %v", c.env, c.kvm, c.debug, got, why, err)
		}
	}
}

// QEMU_ARGS has the meaning tools/vm gives it: appended last, and an
// -accel there replaces the chosen one. make run does not pass -no-reboot,
// so the shell's reboot reboots.
func TestQEMUArgs(t *testing.T) {
	c := config{kernel: "k.elf", cmdline: "keymap=de", mem: "128M", accel: TCG, extra: []string{"-smp", "2"}}
	a := c.qemuArgs()
	if !slices.Equal(a[:2], []string{"-accel", "tcg"}) || !slices.Equal(a[len(a)-2:], []string{"-smp", "2"}) {
		t.Errorf("args %q", a)
	}
	if slices.Contains(a, "-no-reboot") {
		t.Errorf("make run passes -no-reboot: %q", a)
	}
	if !strings.Contains(strings.Join(a, " "), "-serial mon:stdio -kernel k.elf -append keymap=de") {
		t.Errorf("args %q", a)
	}
	c.extra = []string{"-accel", "kvm"}
	if a := c.qemuArgs(); a[0] == "-accel" {
		t.Errorf("an -accel in QEMU_ARGS did not replace the chosen one: %q", a)
	}
	c = config{iso: "k.iso", uefi: true, ovmf: "OVMF.fd", mem: "1G", accel: KVM, debug: true, gdbPort: 4321}
	if s := strings.Join(c.qemuArgs(), " "); !strings.Contains(s, "-bios OVMF.fd -cdrom k.iso -gdb tcp:localhost:4321 -S") {
		t.Errorf("args %q", s)
	}
}

// fakeQEMU writes a script that appends its arguments to a file and then
// does what body says.
func fakeQEMU(t *testing.T, body string) (qemu, calls string) {
	dir := t.TempDir()
	qemu, calls = filepath.Join(dir, "qemu"), filepath.Join(dir, "calls")
	script := "#!/bin/sh\necho \"$*\" >> " + calls + "\n" + body + "\n"
	if err := os.WriteFile(qemu, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return qemu, calls
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A KVM that cannot run the kernel leaves QEMU paused on a register dump
// for ever; qemurun ends it and boots again under TCG, or, with ACCEL=kvm,
// says to use ACCEL=tcg.
func TestKVMFailure(t *testing.T) {
	// Under KVM: the error, then sleep as a paused QEMU does.
	qemu, calls := fakeQEMU(t, `case "$*" in *kvm*) echo "KVM internal error. Suberror: 1" >&2; echo "RAX=0" >&2; exec sleep 60;; esac`)
	for _, retry := range []bool{true, false} {
		os.Remove(calls)
		var stderr syncBuffer
		c := config{qemu: qemu, kernel: "k.elf", mem: "64M", accel: KVM,
			stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr}
		start := time.Now()
		status := runWithRetry(&c, retry)
		if d := time.Since(start); d > 20*time.Second {
			t.Fatalf("retry %v: took %v: the paused QEMU was not ended", retry, d)
		}
		b, _ := os.ReadFile(calls)
		runs := strings.Split(strings.TrimSpace(string(b)), "\n")
		switch {
		case retry && (status != 0 || len(runs) != 2 || !strings.Contains(runs[1], "-accel tcg") || !strings.Contains(stderr.String(), "booting again with TCG")):
			t.Errorf("auto: status %d, runs %q, stderr:\n%s", status, runs, stderr.String())
		case !retry && (status != 1 || len(runs) != 1 || !strings.Contains(stderr.String(), "ACCEL=tcg")):
			t.Errorf("ACCEL=kvm: status %d, runs %q, stderr:\n%s", status, runs, stderr.String())
		}
		if !strings.Contains(stderr.String(), "KVM internal error") {
			t.Errorf("QEMU's own message was not passed on:\n%s", stderr.String())
		}
	}
}

// Under make run the shell's reboot reboots the machine (no -no-reboot),
// and Ctrl-A X leaves QEMU (issue 16, item 4).
func TestRunReboots(t *testing.T) {
	kernel, _ := filepath.Abs("../../build/kernel.elf")
	if _, err := os.Stat(kernel); err != nil {
		t.Skip("build/kernel.elf is missing: make test-qemu builds it and runs this")
	}
	inR, inW := io.Pipe()
	var out syncBuffer
	c := config{qemu: "qemu-system-x86_64", kernel: kernel, mem: "64M", accel: TCG,
		stdin: inR, stdout: &out, stderr: &out}
	done := make(chan int, 1)
	go func() { done <- runWithRetry(&c, false) }()
	wait := func(what string, n int) {
		t.Helper()
		for end := time.Now().Add(60 * time.Second); strings.Count(out.String(), what) < n; time.Sleep(50 * time.Millisecond) {
			if time.Now().After(end) {
				inW.Write([]byte("\x01x"))
				t.Fatalf("%q not seen %d times:\n%s", what, n, out.String())
			}
		}
	}
	wait("type help for the commands", 1)
	inW.Write([]byte("reboot\r"))
	wait("type help for the commands", 2)
	inW.Write([]byte("\x01x")) // Ctrl-A X: QEMU's serial console quits
	inW.Close()                // exec waits for its copy of a non-file stdin to end
	select {
	case status := <-done:
		if status != 0 {
			t.Errorf("QEMU ended with status %d\n%s", status, out.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("Ctrl-A X did not end QEMU\n%s", out.String())
	}
}
