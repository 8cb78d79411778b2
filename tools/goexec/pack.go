package main

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"gokernel/kernel/fs/cpio"
)

// maxArchive bounds the archive: the kernel keeps it in RAM while the
// program runs.
const maxArchive = 256 << 20

// pack writes the archive of the files a program run from hostCwd needs
// into dir and returns its path (see the package comment for the list).
// Every entry sits at its guest path (guestPath), relative: cpio names
// have no leading slash.
func pack(dir, guestCwd, goroot string) (string, error) {
	hostCwd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, "fs.cpio")
	f, err := os.Create(out)
	if err != nil {
		return "", err
	}
	defer f.Close()
	bw := bufio.NewWriter(f)
	a := &archiver{w: cpio.NewWriter(bw), dirs: map[string]bool{}}
	a.dir(guestCwd)
	a.files(hostCwd)
	a.tree(filepath.Join(hostCwd, "testdata"))
	for d := filepath.Dir(hostCwd); ; d = filepath.Dir(d) {
		a.files(d)
		a.tree(filepath.Join(d, "testdata"))
		if isRoot(d, goroot) || d == filepath.Dir(d) {
			break
		}
	}
	if goroot != "" {
		a.file(filepath.Join(goroot, "lib", "time", "zoneinfo.zip"))
	}
	// The kernel's network is the loopback alone (kernel/sys/sys_socket.go):
	// localhost must resolve from the hosts file, as there is no DNS.
	if !a.dirs["etc"] && a.err == nil {
		a.dir("/etc")
		a.err = a.w.Add("etc/hosts", cpio.TypeReg|0o644, 0, []byte("127.0.0.1\tlocalhost\n"))
	}
	if a.err == nil {
		a.err = a.w.Close()
	}
	if a.err == nil {
		a.err = bw.Flush()
	}
	if a.err == nil && a.size > maxArchive {
		a.err = fmt.Errorf("the files to pack take %d MiB, more than the %d MiB the kernel keeps", a.size>>20, maxArchive>>20)
	}
	return out, a.err
}

// isRoot reports whether d is where the search for testdata stops: a
// module's root (go.mod) or $GOROOT/src.
func isRoot(d, goroot string) bool {
	if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
		return true
	}
	return goroot != "" && d == filepath.Join(goroot, "src")
}

type archiver struct {
	w    *cpio.Writer
	dirs map[string]bool // guest directories already written
	size int64
	err  error
}

// name is the archive name of a host path.
func name(host string) string { return strings.TrimPrefix(guestPath(host), "/") }

// dir writes guest directory g and its parents.
func (a *archiver) dir(g string) {
	g = strings.TrimPrefix(g, "/")
	if g == "" || g == "." || a.dirs[g] || a.err != nil {
		return
	}
	a.dir(filepath.Dir(g))
	a.dirs[g] = true
	a.err = a.w.Add(g, cpio.TypeDir|0o755, 0, nil)
}

// files writes the regular files directly in host directory d.
func (a *archiver) files(d string) {
	es, err := os.ReadDir(d)
	if err != nil {
		a.fail(err)
		return
	}
	for _, e := range es {
		if e.Type().IsRegular() {
			a.file(filepath.Join(d, e.Name()))
		}
	}
}

// file writes one regular file, if it exists.
func (a *archiver) file(host string) {
	if a.err != nil {
		return
	}
	st, err := os.Stat(host)
	if err != nil || !st.Mode().IsRegular() {
		return
	}
	b, err := os.ReadFile(host)
	if err != nil {
		a.fail(err)
		return
	}
	a.dir(filepath.Dir(guestPath(host)))
	a.size += int64(len(b))
	a.err = a.w.Add(name(host), cpio.TypeReg|uint32(st.Mode().Perm()), st.ModTime().Unix(), b)
}

// tree writes host directory root and everything below it, if it exists:
// directories, regular files and symbolic links (as links).
func (a *archiver) tree(root string) {
	if st, err := os.Stat(root); err != nil || !st.IsDir() {
		return
	}
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil || a.err != nil {
			return errors.Join(err, a.err)
		}
		switch {
		case e.IsDir():
			a.dir(guestPath(p))
		case e.Type()&fs.ModeSymlink != 0:
			t, err := os.Readlink(p)
			if err != nil {
				return err
			}
			a.dir(filepath.Dir(guestPath(p)))
			a.err = a.w.Add(name(p), cpio.TypeLink|0o777, 0, []byte(t))
		case e.Type().IsRegular():
			a.file(p)
		}
		return a.err
	})
	a.fail(err)
}

func (a *archiver) fail(err error) {
	if a.err == nil && err != nil {
		a.err = fmt.Errorf("packing the program's files: %w", err)
	}
}
