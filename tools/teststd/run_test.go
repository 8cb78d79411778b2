package main

import "testing"

func TestFirstFailure(t *testing.T) {
	for _, c := range []struct{ out, want string }{
		{"--- FAIL: TestMutexMisuse (0.00s)\n    exec.go:92: os.Executable error\nFAIL\n", "TestMutexMisuse: exec.go:92: os.Executable error"},
		{"--- FAIL: TestA (0.00s)\n    --- FAIL: TestA/b (0.00s)\n", "TestA"},
		{"--- FAIL: ExampleX (0.03s)\ngot:\n", "ExampleX"},
		{"panic: boom\n\ngoroutine 1\n", "panic: boom"},
		{"nothing\n", "(see go test's output)"},
	} {
		if got := firstFailure(c.out); got != c.want {
			t.Errorf("firstFailure(%q) = %q, want %q", c.out, got, c.want)
		}
	}
}
