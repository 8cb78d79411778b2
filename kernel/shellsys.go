package main

import (
	"errors"
	"fmt"
	"syscall"
	"time"
	"unsafe"

	"gokernel/kernel/firmware"
	"gokernel/kernel/shell"
	"gokernel/keyboard"
	"gokernel/task"
)

// kernelSystem is the shell's view of the kernel (shell.System): the
// executor the shell runs on, the keyboard whose layout keymap switches,
// and what the firmware said about the machine. The shell calls it from
// its own task only.
type kernelSystem struct {
	ex      *task.Executor
	keys    *keyboard.EventStream // nil without a PS/2 keyboard
	machine firmware.Machine
}

func (s *kernelSystem) Tasks() []task.TaskInfo { return s.ex.Snapshot() }

func (s *kernelSystem) Spawn(f task.Future[struct{}]) (task.TaskID, error) {
	return s.ex.Spawn(f)
}

func (s *kernelSystem) Sleep(d time.Duration) task.Future[struct{}] { return task.Sleep(d) }

func (s *kernelSystem) Machine() string { return s.machine.Name }

// Memory reports the frame allocator's counters and the loader's memory
// map. bootInfo was written once in ring 0 before the runtime started and
// is only read since.
func (s *kernelSystem) Memory() shell.MemInfo {
	var m shell.MemInfo
	if st, err := readKernelStats(); err == nil {
		m.FreeBytes, m.TotalBytes = st.FreeFrames*pageSize, st.TotalFrames*pageSize
	}
	for _, r := range bootInfo.Regions[:bootInfo.NRegions] {
		m.Map = append(m.Map, shell.MemRegion{Base: r.Base, Length: r.Length, Type: r.Type.String()})
	}
	return m
}

func (s *kernelSystem) Uptime() time.Duration {
	st, err := readKernelStats()
	if err != nil {
		return 0
	}
	return time.Duration(st.Uptime)
}

var errNoKeyboard = errors.New("no PS/2 keyboard; the serial terminal keeps its own layout")

func (s *kernelSystem) SetKeymap(name string) error {
	l, ok := keyboard.LayoutByName(name)
	if !ok {
		return fmt.Errorf("unknown keymap %q", name)
	}
	if s.keys == nil {
		return errNoKeyboard
	}
	s.keys.SetLayout(l)
	return nil
}

// Reboot and Halt return only if the ring-0 core refused; the shell then
// says so.
func (s *kernelSystem) Reboot() { syscall.Syscall(sysGokernel, opReboot, 0, 0) }
func (s *kernelSystem) Halt()   { syscall.Syscall(sysGokernel, opHalt, 0, 0) }

const pageSize = 4096

// readKernelStats asks the ring-0 core for its counters (opKernelStats).
func readKernelStats() (KernelStats, error) {
	var st KernelStats
	if _, _, e := syscall.Syscall(sysGokernel, opKernelStats, uintptr(unsafe.Pointer(&st)), 0); e != 0 {
		return st, e
	}
	return st, nil
}
