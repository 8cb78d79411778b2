package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestKernel checks the real kernel, build/go.elf (built by make kernel),
// with the default roots: every violation fails the test with its chain.
func TestKernel(t *testing.T) {
	path := filepath.Join("..", "..", "build", "go.elf")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s is missing (make kernel builds it): %v", path, err)
	}
	b, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Check(b, DefaultConfig)
	if err != nil {
		t.Fatal(err)
	}
	if res.OK() {
		t.Log(res.Summary())
		return
	}
	var sb strings.Builder
	for _, v := range res.Violations {
		sb.WriteString(v.String())
		sb.WriteString("\n")
	}
	t.Errorf("the ring-0 paths of %s break the rules: %d violations (%s)\n"+
		"Each line below is a chain of calls from an entry point to a forbidden call;\n"+
		"the indented lines say how each function on it is reached.\n%s",
		path, len(res.Violations), res.Summary(), sb.String())
}
