package vm

import (
	"slices"
	"testing"
)

func TestKeysFor(t *testing.T) {
	got, err := KeysFor("Hi, 2.5!\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"shift-h", "i", "comma", "spc", "2", "dot", "5", "shift-1", "ret"}
	if !slices.Equal(got, want) {
		t.Errorf("KeysFor = %q, want %q", got, want)
	}
	if _, err := KeysFor("ä"); err == nil {
		t.Error("KeysFor(ä): no error")
	}
}
