package cmdline

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gokernel/keyboard"
)

func TestNext(t *testing.T) {
	var words []string
	for rest := " hz=500\ttest=boot \n\r novdso  GODEBUG=gctrace=1\t"; ; {
		var w string
		w, rest = Next(rest)
		if w == "" {
			break
		}
		words = append(words, w)
	}
	if want := []string{"hz=500", "test=boot", "novdso", "GODEBUG=gctrace=1"}; !slices.Equal(words, want) {
		t.Errorf("words %q, want %q", words, want)
	}
}

func TestParse(t *testing.T) {
	var l Line
	l.Parse("hz=500\ttest=boot keymap=de GODEBUG=gctrace=1 novdso")
	if len(l.Problems()) != 0 {
		t.Errorf("problems %+v", l.Problems())
	}
	if v := l.Get(Hz); !v.Set || v.Num != 500 {
		t.Errorf("hz = %+v", v)
	}
	if v := l.Get(Test); !v.Set || v.Str != "boot" {
		t.Errorf("test = %+v: a tab must separate words", v)
	}
	if v := l.Get(Keymap); v.Str != "de" {
		t.Errorf("keymap = %+v", v)
	}
	if !l.Get(NoVDSO).Set || l.Get(Systrace).Set {
		t.Error("flags wrong")
	}
	// Defaults.
	var d Line
	d.Parse("")
	if v := d.Get(Hz); v.Set || v.Num != 1000 {
		t.Errorf("default hz = %+v", v)
	}
	if v := d.Get(Keymap); v.Set || v.Str != "us" {
		t.Errorf("default keymap = %+v", v)
	}
	if v := d.Get(Test); v.Set || v.Str != "" {
		t.Errorf("default test = %+v", v)
	}
}

func TestProblems(t *testing.T) {
	for _, c := range []struct {
		line  string
		fault Fault
		opt   int
	}{
		{"frobnicate", Unknown, -1},
		{"foo=bar", Unknown, -1},
		{"hz=5", BadValue, Hz},
		{"hz=abc", BadValue, Hz},
		{"hz=99999999999999999999", BadValue, Hz},
		{"keymap=klingon", BadValue, Keymap},
		{"shell=maybe", BadValue, Shell},
		{"console=tty0", BadValue, Console},
		{"test=", NoValue, Test},
		{"keymap", NoValue, Keymap},
		{"novdso=1", NoValue, NoVDSO},
		{"keymap=de keymap=fr", Repeated, Keymap},
	} {
		var l Line
		l.Parse(c.line)
		p := l.Problems()
		if len(p) != 1 || p[0].Fault != c.fault || p[0].Option != c.opt {
			t.Errorf("%q: problems %+v, want one %d for option %d", c.line, p, c.fault, c.opt)
		}
	}
	// A bad value keeps the default; the last of a repeated option wins.
	var l Line
	l.Parse("keymap=klingon hz=5 keymap=de keymap=fr")
	if l.Get(Keymap).Str != "fr" || l.Get(Hz).Num != 1000 {
		t.Errorf("keymap %q, hz %d", l.Get(Keymap).Str, l.Get(Hz).Num)
	}
	// Environment variables and cmdline=help are not problems.
	l.Parse("GOGC=50 GOMAXPROCS=2 cmdline=help")
	if len(l.Problems()) != 0 || !l.WantsHelp() {
		t.Errorf("problems %+v, help %v", l.Problems(), l.WantsHelp())
	}
	// Too many problems are counted, not kept.
	l.Parse(strings.Repeat("x ", MaxProblems+3))
	if len(l.Problems()) != MaxProblems || l.Dropped != 3 {
		t.Errorf("%d problems kept, %d dropped", len(l.Problems()), l.Dropped)
	}
}

// TestTable checks the table: in the order of the index constants, each
// option with help, a Choice's default among its choices, a Number's
// default within its bounds.
func TestTable(t *testing.T) {
	for i, o := range Options {
		if o.Name == "" || o.Help == "" {
			t.Errorf("option %d: name %q, help %q", i, o.Name, o.Help)
		}
		if Lookup(o.Name) != i {
			t.Errorf("%s: Lookup gives %d, want %d (duplicate name?)", o.Name, Lookup(o.Name), i)
		}
		switch o.Kind {
		case Choice:
			if o.Default != "" && !HasChoice(o.Choices, o.Default) {
				t.Errorf("%s: default %q not among %q", o.Name, o.Default, o.Choices)
			}
		case Number:
			if n, ok := Atoi(o.Default); !ok || n < o.Min || n > o.Max {
				t.Errorf("%s: default %q outside %d..%d", o.Name, o.Default, o.Min, o.Max)
			}
		}
	}
}

// TestReadme checks that the README's option table lists every option
// (a row starting with `name`), and nothing that is not one.
func TestReadme(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	section := string(b)
	i := strings.Index(section, "## Command line")
	if i < 0 {
		t.Fatal("README.md has no \"## Command line\" section")
	}
	section = section[i:]
	if j := strings.Index(section[3:], "\n## "); j >= 0 {
		section = section[:j+3]
	}
	row := regexp.MustCompile("(?m)^\\| `([a-z0-9]+)[=`]")
	var listed []string
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		listed = append(listed, m[1])
	}
	for _, o := range Options {
		if !slices.Contains(listed, o.Name) {
			t.Errorf("README's command-line table lacks %s", o.Name)
		}
	}
	for _, name := range listed {
		if Lookup(name) < 0 {
			t.Errorf("README's command-line table lists %s, which is not an option", name)
		}
	}
}

// TestKeymapChoices: keymap= offers exactly the keyboard package's layouts.
func TestKeymapChoices(t *testing.T) {
	if got, want := Options[Keymap].Choices, strings.Join(keyboard.LayoutNames(), "|"); got != want {
		t.Errorf("keymap choices %q, the keyboard package has %q", got, want)
	}
}
