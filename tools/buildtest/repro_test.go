// Package buildtest checks the build itself.
package buildtest

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestReproducible builds the kernel from two copies of the source tree in
// different directories and requires byte-identical kernel.elf files: the
// build depends on the sources and the toolchain only, not on where the
// tree sits (go build -trimpath; the stub is assembled and linked by
// paths relative to the tree). It needs git, make, as and ld, and skips
// with -short.
func TestReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the kernel twice")
	}
	for _, tool := range []string{"git", "make", "as", "ld", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s: %v", tool, err)
		}
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("git", "-C", root, "ls-files", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	files := strings.Fields(string(out))
	var sums []string
	for i, dir := range []string{"first/tree", "second/elsewhere/tree"} {
		dst := filepath.Join(t.TempDir(), dir)
		for _, f := range files {
			b, err := os.ReadFile(filepath.Join(root, f))
			if err != nil {
				if os.IsNotExist(err) {
					continue // deleted but not yet committed
				}
				t.Fatal(err)
			}
			p := filepath.Join(dst, f)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		cmd := exec.Command("make", "-s", "build/kernel.elf", "SKIP_DEPS=1")
		cmd.Dir = dst
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("build %d in %s: %v\n%s", i+1, dst, err, out)
		}
		elf, err := os.ReadFile(filepath.Join(dst, "build", "kernel.elf"))
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, fmt.Sprintf("%x", sha256.Sum256(elf)))
		if bytes.Contains(elf, []byte(dst)) {
			t.Errorf("kernel.elf built in %s contains that path", dst)
		}
	}
	if sums[0] != sums[1] {
		t.Fatalf("two builds of the same tree differ: sha256 %s and %s", sums[0], sums[1])
	}
	t.Logf("kernel.elf sha256 %s from both directories", sums[0])
}
