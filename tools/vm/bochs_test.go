package vm

import (
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// needBochs skips, even under CI: Bochs is an optional second emulator
// (BochsPackages), and the matrix prints an n/a row without it.
func needBochs(t *testing.T) {
	t.Helper()
	if err := BochsAvailable(); err != nil {
		t.Skip(err)
	}
}

// The empty kernel's line arrives through the COM1 socket, and Bochs's
// log through its stderr.
func TestBochsBoot(t *testing.T) {
	t.Parallel()
	needBochs(t)
	kernel := emptyELF(t)
	needTools(t, "grub-mkrescue", "xorriso", "mformat")
	iso := filepath.Join(t.TempDir(), "empty.iso")
	if err := BuildISO(kernel, "", iso); err != nil {
		t.Fatal(err)
	}
	v, err := StartBochs(BochsOptions{ISO: iso, Memory: "32M", Name: t.Name()})
	if err != nil {
		t.Fatal(err)
	}
	line, err := v.ExpectTimed("empty: ok", 60*time.Second)
	v.Kill()
	res, _ := v.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if !res.Killed || !strings.Contains(res.Stderr, "Booting from") || !strings.Contains(res.Cmdline, "-rc") {
		t.Errorf("want a killed Bochs with its log in Stderr, got %s\n%s", res.Meaning(), res.Report())
	}
	t.Logf("Bochs: %q at %v", line.Text, line.At.Round(time.Millisecond))
}

func TestBochsConfig(t *testing.T) {
	cfg := bochsConfig(bochsSetup{ISO: "/tmp/x/boot.iso", MiB: 64, CPU: "ryzen", IPS: 1000, COM1: "127.0.0.1:4567"})
	for _, want := range []string{
		"\ndisplay_library: term\n",
		"\nmegs: 64\n",
		"\ncpu: model=ryzen, count=1, ips=1000, reset_on_triple_fault=0\n",
		"\nata0-master: type=cdrom, path=/tmp/x/boot.iso, status=inserted\n",
		"\nboot: cdrom\n",
		"\ncom1: enabled=1, mode=socket-client, dev=127.0.0.1:4567\n",
		"\nlog: -\n",
		"\npanic: action=fatal, term=report\n",
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("bochsrc lacks %q:\n%s", want, cfg)
		}
	}
}

func TestMemoryMiB(t *testing.T) {
	for in, want := range map[string]int{"128M": 128, "1G": 1024, "64": 64, "": 0, "x": 0, "0M": 0, "-1": 0, "1T": 0} {
		got, err := memoryMiB(in)
		if got != want || (err == nil) != (want > 0) {
			t.Errorf("memoryMiB(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}

// COM1's input side refuses writes until Bochs connected, then passes them
// on; a connection made after Close is closed at once.
func TestSerialSocket(t *testing.T) {
	var s serialSocket
	if _, err := s.Write([]byte("x")); err == nil {
		t.Error("Write before the connection succeeded")
	}
	ours, bochs := net.Pipe()
	s.set(ours)
	go s.Write([]byte("echo\r"))
	buf := make([]byte, 5)
	if _, err := io.ReadFull(bochs, buf); err != nil || string(buf) != "echo\r" {
		t.Errorf("read %q, %v", buf, err)
	}
	if err := s.Close(); err != nil {
		t.Error(err)
	}

	late, other := net.Pipe()
	s.set(late)
	if _, err := other.Write([]byte("x")); err == nil {
		t.Error("a connection set after Close is still open")
	}
}
