// Command teststd runs the tests of standard-library packages on the metal
// (go test -short -exec goexec, one package at a time, a few at once) and
// prints a Markdown table: package, result, time, and for a failure the
// first failing test; for every package the system calls that failed with
// ENOSYS or EINVAL, which the kernel lists when the program exits
// (kernel/sys/count.go). make test-std runs it on packages.txt.
//
//	go run ./tools/teststd -goexec build/goexec [-j 2] [-o build/test-std.md] [-list tools/teststd/packages.txt]
//
// It exits 1 when a package failed.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

func main() {
	goexec := flag.String("goexec", "build/goexec", "the go test -exec program")
	list := flag.String("list", "tools/teststd/packages.txt", "the packages, one a line")
	jobs := flag.Int("j", 2, "packages tested at once")
	out := flag.String("o", "", "also write the table to this file")
	timeout := flag.Duration("timeout", 10*time.Minute, "go test -timeout for each package")
	flag.Parse()
	pkgs, err := readList(*list)
	if err != nil {
		fmt.Fprintln(os.Stderr, "teststd:", err)
		os.Exit(2)
	}
	exe, err := filepath.Abs(*goexec)
	if err != nil {
		fmt.Fprintln(os.Stderr, "teststd:", err)
		os.Exit(2)
	}
	logs, err := os.MkdirTemp("", "teststd-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "teststd:", err)
		os.Exit(2)
	}
	defer os.RemoveAll(logs)

	results := make([]result, len(pkgs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(*jobs, 1))
	for i, p := range pkgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i] = test(p, exe, filepath.Join(logs, fmt.Sprintf("%d.log", i)), *timeout)
			fmt.Fprintf(os.Stderr, "teststd: %-16s %s %v\n", p, results[i].verdict(), results[i].took.Round(100*time.Millisecond))
		}()
	}
	wg.Wait()

	w := io.Writer(os.Stdout)
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "teststd:", err)
			os.Exit(2)
		}
		defer f.Close()
		w = io.MultiWriter(os.Stdout, f)
	}
	failed := table(w, results)
	if failed > 0 {
		os.Exit(1)
	}
}

// readList returns the packages of a list file: one a line, # comments.
func readList(name string) ([]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var pkgs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l, _, _ := strings.Cut(sc.Text(), "#"); strings.TrimSpace(l) != "" {
			pkgs = append(pkgs, strings.TrimSpace(l))
		}
	}
	return pkgs, sc.Err()
}
