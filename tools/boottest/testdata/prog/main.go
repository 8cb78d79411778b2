// Command prog is the program tools/boottest boots from a module
// (program_test.go): it reads the archive mounted at /, writes /tmp, and
// exits with the status its first argument names.
package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
)

func main() {
	fmt.Printf("prog: args %q env %s\n", os.Args[1:], os.Getenv("PROG_ENV"))
	wd, _ := os.Getwd()
	fmt.Println("prog: cwd", wd)
	for _, p := range []string{"/data/hello.txt", "hello.txt", "/../../data/hello.txt", "../../../../data/hello.txt", "/escape", "/abs"} {
		b, err := os.ReadFile(p)
		fmt.Printf("prog: read %s: %q %v\n", p, b, err)
	}
	es, err := os.ReadDir("/data")
	fmt.Printf("prog: /data has %d entries %v\n", len(es), err)
	f, err := os.CreateTemp("", "prog-")
	if err == nil {
		f.WriteString("written")
		f.Close()
		b, err := os.ReadFile(f.Name())
		fmt.Printf("prog: /tmp round trip %q %v\n", b, err)
		os.Remove(f.Name())
	}
	err = os.WriteFile("/data/new", nil, 0o644)
	fmt.Println("prog: write to the archive:", err)
	fmt.Println("prog: pipe", pipe())
	fmt.Println("prog: tcp", tcp())
	status := 0
	if len(os.Args) > 1 {
		status, _ = strconv.Atoi(os.Args[1])
	}
	os.Exit(status)
}

// data is 1 MiB that is not all one byte: a ring that dropped or
// reordered bytes would show.
var data = func() []byte {
	b := make([]byte, 1<<20)
	for i := range b {
		b[i] = byte(i * 7 / 5)
	}
	return b
}()

// pipe sends data through an os.Pipe (the kernel's ring is a page).
func pipe() error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	go func() { w.Write(data); w.Close() }()
	got, err := io.ReadAll(r)
	r.Close()
	if err == nil && !bytes.Equal(got, data) {
		err = fmt.Errorf("got %d bytes, not the %d sent", len(got), len(data))
	}
	return err
}

// tcp echoes data through a loopback connection, both ends in this
// program.
func tcp() error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		io.Copy(c, c)
		c.Close()
	}()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		return err
	}
	go func() { c.Write(data); c.(*net.TCPConn).CloseWrite() }()
	got, err := io.ReadAll(c)
	c.Close()
	if err == nil && !bytes.Equal(got, data) {
		err = fmt.Errorf("got %d bytes, not the %d sent", len(got), len(data))
	}
	return err
}
