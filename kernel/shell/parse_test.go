package shell

import (
	"slices"
	"testing"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		line string
		want []string
		err  error
	}{
		{"", nil, nil},
		{"   \t ", nil, nil},
		{"help", []string{"help"}, nil},
		{"  echo   a b\tc  ", []string{"echo", "a", "b", "c"}, nil},
		{`echo "a  b" c`, []string{"echo", "a  b", "c"}, nil},
		{`echo 'a  "b"' c`, []string{"echo", `a  "b"`, "c"}, nil},
		{`echo a"b c"d`, []string{"echo", "ab cd"}, nil},
		{`echo "" ''`, []string{"echo", "", ""}, nil},
		{`echo "say \"hi\" \\ \n"`, []string{"echo", `say "hi" \ \n`}, nil},
		{`echo 'it''s'`, []string{"echo", "its"}, nil},
		{`echo a\ b \"c\" \\`, []string{"echo", "a b", `"c"`, `\`}, nil},
		{`echo trailing\`, []string{"echo", `trailing\`}, nil},
		{"keymap dé €", []string{"keymap", "dé", "€"}, nil},
		{`echo "open`, nil, ErrUnterminatedQuote},
		{`echo 'open`, nil, ErrUnterminatedQuote},
		{`echo "a\"`, nil, ErrUnterminatedQuote},
	}
	for _, tt := range tests {
		got, err := Split(tt.line)
		if err != tt.err || !slices.Equal(got, tt.want) || (got == nil) != (tt.want == nil) {
			t.Errorf("Split(%q) = %q, %v; want %q, %v", tt.line, got, err, tt.want, tt.err)
		}
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{"", "echo a b", `a"b c"d`, `'x`, `\`, `"\"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		words, err := Split(line)
		if err != nil {
			return
		}
		for _, w := range words {
			if len(w) > len(line) {
				t.Fatalf("word %q longer than the line %q", w, line)
			}
		}
	})
}
