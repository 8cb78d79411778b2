package vdso

import (
	"os"
	"testing"
	"unsafe"
)

func TestEncodeFill(t *testing.T) {
	so := make([]byte, 256)
	copy(so[96:], dataMagic)
	enc, ok := Encode(so)
	if !ok {
		t.Fatal("Encode failed")
	}
	saved := image
	defer func() { image = saved }()
	if Image() != nil {
		t.Fatal("placeholder accepted as an image")
	}
	copy(image[:], enc)
	img := Image()
	if len(img) != len(so) {
		t.Fatalf("Image() is %d bytes, want %d", len(img), len(so))
	}
	if !Fill(img, Params{TSC0: 1, Mult: 2, WallAtTSC0: 3}) {
		t.Fatal("Fill did not find the data block")
	}
	d := (*[4]uint64)(unsafe.Pointer(&img[96+len(dataMagic)]))
	if *d != [4]uint64{1, 2, 3, 1} {
		t.Errorf("data block %v", *d)
	}
	if _, ok := Encode(make([]byte, Size)); ok {
		t.Error("oversized image accepted")
	}
}

// The real vDSO, if built, has the data block and fits.
func TestBuiltImage(t *testing.T) {
	so, err := os.ReadFile("../../build/vdso.so")
	if err != nil {
		t.Skip("build/vdso.so missing: run make kernel")
	}
	if _, ok := Encode(so); !ok {
		t.Fatalf("build/vdso.so (%d bytes) does not fit %d", len(so), Size)
	}
	if !Fill(append([]byte(nil), so...), Params{}) {
		t.Error("build/vdso.so has no data block")
	}
}
