// Package policy checks rules the project keeps so that a new Go release
// is a one-line change: no //go:linkname into the runtime, no
// -checklinkname=0, no Go-version build tags, no assembly reaching into the
// runtime's symbols except its documented entry point.
package policy

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func files(t *testing.T, exts ...string) map[string]string {
	t.Helper()
	root, _ := filepath.Abs("../..")
	out := map[string]string{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "build" || d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		for _, e := range exts {
			if strings.HasSuffix(p, e) || filepath.Base(p) == e {
				b, _ := os.ReadFile(p)
				rel, _ := filepath.Rel(root, p)
				out[rel] = string(b)
			}
		}
		return nil
	})
	if len(out) == 0 {
		t.Fatal("no files found")
	}
	return out
}

func TestNoRuntimeInternals(t *testing.T) {
	linkname := regexp.MustCompile(`(?m)^//go:linkname`)
	versionTag := regexp.MustCompile(`(?m)^//go:build.*\bgo1\.\d+`)
	for p, src := range files(t, ".go") {
		if p == "tools/policy/policy_test.go" {
			continue
		}
		if linkname.MatchString(src) {
			t.Errorf("%s uses //go:linkname", p)
		}
		if versionTag.MatchString(src) {
			t.Errorf("%s has a Go-version build tag", p)
		}
	}
	// The runtime's entry is the one runtime symbol assembly may name.
	runtimeRef := regexp.MustCompile(`runtime·\w+|\bruntime\.\w+\(SB\)`)
	for p, src := range files(t, ".s") {
		if m := runtimeRef.FindString(src); m != "" {
			t.Errorf("%s refers to the runtime's %s", p, m)
		}
	}
	for p, src := range files(t, "Makefile", ".sh", "run") {
		if strings.Contains(src, "checklinkname") {
			t.Errorf("%s mentions -checklinkname", p)
		}
	}
}
