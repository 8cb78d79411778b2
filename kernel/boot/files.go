package boot

import (
	"unsafe"

	"gokernel/kernel/clock"
	"gokernel/kernel/cmdline"
	"gokernel/kernel/console"
	"gokernel/kernel/fs"
	"gokernel/kernel/sys"
)

// Files mounts the file system (kernel/fs): the cpio archive from a boot
// module read-only at /, if there is one, and the in-memory /tmp; then
// the working directory from cwd=. It tells the personality whether a
// program from a boot module runs. Preconditions: Modules, Clock.
//
//go:nosplit
func Files() {
	var b []byte
	if fsMod >= 0 {
		b = moduleBytes(fsMod)
	}
	files, dirs, _ := fs.Mount(b, clock.Realtime())
	if fsMod >= 0 {
		console.WriteString("fs: ")
		console.Dec(int64(files))
		console.WriteString(" files and ")
		console.Dec(int64(dirs))
		console.WriteString(" directories from ")
		console.WriteString(moduleName(fsMod))
		console.WriteString(" (")
		console.Dec(int64(len(b)+1023) >> 10)
		console.Line(" KiB) read-only at /; /tmp in memory")
	}
	if cwd := cmdline.Get(cmdline.Cwd); cwd.Set {
		p := unsafe.Slice(unsafe.StringData(cwd.Str), len(cwd.Str))
		n, _, _, e := fs.Walk(fs.Root, p, true)
		if d := fs.At(n); e != 0 || d == nil || d.Kind != fs.Dir {
			console.WriteString("fs: cwd=")
			console.WriteString(cwd.Str)
			console.Line(": no such directory; the working directory is /")
		} else {
			fs.Hold(n)
			fs.Cwd = n
		}
	}
	fs.Hold(fs.Cwd)
	sys.Program = progMod >= 0
}
