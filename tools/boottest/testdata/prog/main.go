// Command prog is the program tools/boottest boots from a module
// (program_test.go): it reads the archive mounted at /, writes /tmp, and
// exits with the status its first argument names.
package main

import (
	"fmt"
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
	status := 0
	if len(os.Args) > 1 {
		status, _ = strconv.Atoi(os.Args[1])
	}
	os.Exit(status)
}
