package kcall

import (
	"os"
	"strings"
	"testing"
)

// The operation table is the private call's one listing: every operation
// has a name and a note, no name is used twice, and the README's table
// names every production operation.
func TestTable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range Table() {
		if r.Note == "" {
			t.Errorf("operation %d (%s) has no note", r.Op, r.Name)
		}
		if seen[r.Name] {
			t.Errorf("operation name %q used twice", r.Name)
		}
		seen[r.Name] = true
		if !r.Test && !strings.Contains(string(readme), "`"+r.Name+"`") {
			t.Errorf("README's private-call table does not list %q", r.Name)
		}
	}
}
