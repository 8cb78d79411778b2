package vm

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Bochs (https://bochs.sourceforge.io, user manual §4.3 "The configuration
// file bochsrc") is a second emulator that boots the ISO with its own BIOS
// (rombios), VGA BIOS and CPU models, so quirks that QEMU forgives show up.
//
// A Bochs VM is the same *VM as a QEMU one: Expect, SendSerial, Lines, Kill
// and Wait work alike. What differs:
//   - COM1 is a TCP connection (mode=socket-client): we listen on a loopback
//     port and Bochs connects while it initialises its devices. Bytes arrive
//     as the guest writes them and input flows back, unlike mode=file.
//   - Bochs's own log goes to its stderr, which Result.Stderr keeps and
//     Report shows ("QEMU stderr" there means Bochs's log).
//   - There is no isa-debug-exit: the guest cannot end Bochs with a verdict,
//     so callers Kill it. A triple fault ends Bochs (reset_on_triple_fault=0)
//     with a PANIC line in the log and exit status 1.
//
// Debian's bochs is built with the internal debugger, which stops at a
// prompt before the first instruction; a -rc script says "continue". Its
// headless display libraries are rfb (a VNC server) and term (package
// bochs-term). Under rfb GRUB gets only an 8-bit indexed VBE mode
// (640x480x8), and GRUB 2.06's multiboot2 loader then overflows its boot
// information buffer with the palette (grub_multiboot2_get_mbi_size counts
// no palette): "free magic is broken" and a triple fault, before the
// kernel runs. Under term GRUB sets the 1024x768x32 mode the kernel asks
// for; term cannot draw it and says so with a PANIC, made non-fatal below:
// the screen goes unseen, COM1 is what we read.

// BochsPackages are the Debian packages StartBochs needs.
const BochsPackages = "bochs bochs-term bochsbios vgabios"

// Defaults for BochsOptions.
const (
	DefaultBochsCPU = "corei7_sandy_bridge_2600k" // long mode, NX, SSE2..AVX
	DefaultBochsIPS = 50_000_000                  // emulated instructions per emulated second
)

// BochsBinary and the ROM images suit Debian; set them before starting VMs.
var (
	BochsBinary  = "bochs"
	BochsBIOS    = "/usr/share/bochs/BIOS-bochs-latest"
	BochsVGABIOS = "/usr/share/vgabios/vgabios.bin"
	BochsPlugins = "/usr/lib/x86_64-linux-gnu/bochs/plugins"
)

// bochsConnectTimeout bounds the wait for Bochs to connect COM1; it does
// so within a second of starting unless it failed, which its exit tells.
const bochsConnectTimeout = 30 * time.Second

// BochsOptions describe one Bochs VM, booted from an ISO's El Torito image.
type BochsOptions struct {
	ISO     string        // bootable ISO, e.g. from BuildISO
	Memory  string        // like Options.Memory ("128M", "1G"); default DefaultMemory
	CPU     string        // Bochs `cpu: model=`; default DefaultBochsCPU
	IPS     int           // instructions per emulated second; default DefaultBochsIPS
	Timeout time.Duration // Bochs is killed after this; default DefaultTimeout
	LogDir  string        // as Options.LogDir
	Name    string        // as Options.Name
}

// BochsAvailable reports why StartBochs cannot run here, or nil.
func BochsAvailable() error {
	if _, err := exec.LookPath(BochsBinary); err != nil {
		return fmt.Errorf("vm: %s not found; install the Debian packages %s", BochsBinary, BochsPackages)
	}
	for _, f := range []string{BochsBIOS, BochsVGABIOS, filepath.Join(BochsPlugins, "libbx_term_gui.so")} {
		if _, err := os.Stat(f); err != nil {
			return fmt.Errorf("vm: %s missing; install the Debian packages %s", f, BochsPackages)
		}
	}
	return nil
}

// StartBochs writes a bochsrc for o to a temporary directory and starts
// Bochs on it. Bochs needs no connection from us to run: COM1 output is
// read from the moment Bochs connects.
func StartBochs(o BochsOptions) (*VM, error) {
	if err := BochsAvailable(); err != nil {
		return nil, err
	}
	opts := Options{ISO: o.ISO, Memory: o.Memory, Timeout: o.Timeout, LogDir: o.LogDir, Name: o.Name}
	if err := opts.fill(); err != nil {
		return nil, err
	}
	megs, err := memoryMiB(opts.Memory)
	if err != nil {
		return nil, err
	}
	iso, err := filepath.Abs(o.ISO)
	if err != nil {
		return nil, fmt.Errorf("vm: %w", err)
	}
	v := &VM{opts: opts, done: make(chan struct{})}
	v.serial.init()
	if v.tmpDir, err = os.MkdirTemp("", "gokernel-bochs-"); err != nil {
		return nil, fmt.Errorf("vm: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		v.cleanupTmp()
		return nil, fmt.Errorf("vm: COM1 socket: %w", err)
	}
	// bochsrc values end at a comma and cannot be quoted reliably, so
	// the ISO is reached through a link with a plain name.
	link := filepath.Join(v.tmpDir, "boot.iso")
	rc := filepath.Join(v.tmpDir, "bochsrc")
	script := filepath.Join(v.tmpDir, "debugger.rc")
	cfg := bochsConfig(bochsSetup{
		ISO: link, MiB: megs, CPU: cmp.Or(o.CPU, DefaultBochsCPU), IPS: cmp.Or(o.IPS, DefaultBochsIPS),
		COM1: ln.Addr().String(),
	})
	err = errors.Join(os.Symlink(iso, link), os.WriteFile(rc, []byte(cfg), 0o644),
		os.WriteFile(script, []byte("continue\n"), 0o644))
	if err != nil {
		ln.Close()
		v.cleanupTmp()
		return nil, fmt.Errorf("vm: %w", err)
	}
	bochs, _ := exec.LookPath(BochsBinary)
	v.args = []string{bochs, "-q", "-f", rc, "-rc", script}

	// Bochs's stdout carries the debugger's chatter and the term display's
	// curses output, which we drop; its end tells that Bochs has exited,
	// which stops the wait for COM1's connection.
	stdout, stdoutW, err := os.Pipe()
	if err != nil {
		ln.Close()
		v.cleanupTmp()
		return nil, fmt.Errorf("vm: %w", err)
	}
	sock := &serialSocket{}
	v.stdin = sock
	v.cmd = exec.Command(v.args[0], v.args[1:]...)
	v.cmd.Stdout = stdoutW
	v.cmd.Stderr = &v.stderr
	// The term display needs a terminal type it knows; it draws nowhere.
	v.cmd.Env = append(os.Environ(), "TERM=vt100")
	v.cmd.SysProcAttr = sysProcAttr()

	v.start = time.Now()
	err = v.cmd.Start()
	stdoutW.Close()
	if err != nil {
		stdout.Close()
		ln.Close()
		v.cleanupTmp()
		return nil, fmt.Errorf("vm: starting %s: %w", v.CmdlineQuoted(), err)
	}
	v.timer = time.AfterFunc(opts.Timeout, func() {
		v.mu.Lock()
		if !v.exited {
			v.timedOut = true
		}
		v.mu.Unlock()
		v.signalKill()
	})
	go func() {
		io.Copy(io.Discard, stdout)
		stdout.Close()
		ln.Close()
	}()
	serialDone := make(chan struct{})
	go func() {
		defer close(serialDone)
		conn, err := acceptOne(ln, bochsConnectTimeout)
		if err != nil {
			v.stderr.Write([]byte("vm: Bochs did not connect COM1: " + err.Error() + "\n"))
			return
		}
		sock.set(conn)
		v.readSerial(conn)
	}()
	go v.waitExit(serialDone)
	return v, nil
}

// acceptOne takes the first connection and closes ln.
func acceptOne(ln net.Listener, timeout time.Duration) (net.Conn, error) {
	defer ln.Close()
	if tl, ok := ln.(*net.TCPListener); ok {
		tl.SetDeadline(time.Now().Add(timeout))
	}
	return ln.Accept()
}

// serialSocket is COM1's input side: the connection once Bochs made it.
type serialSocket struct {
	mu     sync.Mutex
	conn   net.Conn
	closed bool
}

func (s *serialSocket) set(c net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		c.Close()
		return
	}
	s.conn = c
}

func (s *serialSocket) Write(p []byte) (int, error) {
	s.mu.Lock()
	c := s.conn
	s.mu.Unlock()
	if c == nil {
		return 0, errors.New("vm: Bochs has not connected COM1")
	}
	return c.Write(p)
}

func (s *serialSocket) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	if s.conn != nil {
		return s.conn.Close()
	}
	return nil
}

// bochsSetup is what varies between bochsrc files.
type bochsSetup struct {
	ISO  string // path without commas or quotes
	MiB  int
	CPU  string
	IPS  int
	COM1 string // host:port that Bochs connects to
}

// bochsConfig returns a bochsrc (Bochs user manual §4.3). Each directive
// is documented in the sample bochsrc that Debian ships as
// /usr/share/doc/bochs/examples/bochsrc.gz.
func bochsConfig(s bochsSetup) string {
	return strings.Join([]string{
		"# Written by gokernel/tools/vm for one run.",
		"display_library: term",
		"megs: " + strconv.Itoa(s.MiB),
		"romimage: file=" + BochsBIOS,
		"vgaromimage: file=" + BochsVGABIOS,
		"vga: extension=vbe",
		// reset_on_triple_fault=0 turns a triple fault into a PANIC that
		// ends Bochs, as QEMU's -no-reboot does.
		fmt.Sprintf("cpu: model=%s, count=1, ips=%d, reset_on_triple_fault=0", s.CPU, s.IPS),
		"ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14",
		"ata0-master: type=cdrom, path=" + s.ISO + ", status=inserted",
		"boot: cdrom",
		"com1: enabled=1, mode=socket-client, dev=" + s.COM1,
		// The ALSA driver aborts Bochs on a host without a sound device.
		"sound: driver=dummy",
		"log: -",
		// term panics on 32-bit graphics modes, which GRUB sets for the
		// kernel's framebuffer; any other panic is fatal.
		"panic: action=fatal, term=report",
		"error: action=report",
		"info: action=report",
		"debug: action=ignore",
		"",
	}, "\n")
}

// memoryMiB converts a QEMU -m size ("128M", "1G", or MiB without a
// suffix) into Bochs's megs.
func memoryMiB(size string) (int, error) {
	num, mult := size, 1
	switch {
	case strings.HasSuffix(size, "M"):
		num = size[:len(size)-1]
	case strings.HasSuffix(size, "G"):
		num, mult = size[:len(size)-1], 1024
	}
	n, err := strconv.Atoi(num)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("vm: memory size %q: want MiB, with or without an M suffix, or GiB with a G suffix", size)
	}
	return n * mult, nil
}
