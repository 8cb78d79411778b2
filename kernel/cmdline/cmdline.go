// Package cmdline is the kernel's command line: one tokenizer and one
// table of options (name, kind, default, one-line help), used by the boot
// code in ring 0, which parses and checks the line once and prints one
// warning per problem, and by the Go side in ring 3, which reads the
// parsed values (Get). The README's option list is checked against the
// table (TestReadme).
//
// Words are separated by spaces, tabs and newlines. A word is an option
// of the table (a flag such as novdso, or NAME=VALUE such as hz=500), or an
// environment variable for the Go program (NAME=VALUE with NAME starting
// with an upper-case letter: GODEBUG, GOMAXPROCS, GOGC, ...), or a program
// argument (any other word without '='). The kernel's Go program receives
// every NAME=VALUE word in its environment and every other word in
// os.Args, as Linux does for init (kernel/proc).
//
// Both rings: Next, Parse and Get are //go:nosplit and allocate nothing
// (strings are substrings of the line).
package cmdline

// Kind is what an option's value may be.
type Kind uint8

const (
	Flag   Kind = iota // a word alone: novdso
	Word               // NAME=any non-empty word: test=boot
	Number             // NAME=decimal in [Min, Max]: hz=500
	Choice             // NAME=one of Choices: shell=off
)

// Option describes one option.
type Option struct {
	Name     string
	Kind     Kind
	Default  string
	Choices  string // Choice: the values, separated by '|'
	Min, Max uint64 // Number: the bounds
	Help     string
}

// The options, by index into Options.
const (
	Test = iota
	Keymap
	Shell
	Console
	PS2
	Hz
	NoVDSO
	Systrace
	APIC
	X2APIC
	TSCDeadline
	ClockSource
	CPUs
	NoSMP
	Help
	BootTime
	numOptions
)

// Options is the table. Keep it in the order of the index constants.
var Options = [numOptions]Option{
	Test:        {Name: "test", Kind: Word, Help: "run the in-kernel test NAME and exit QEMU with its verdict (test=list names them)"},
	Keymap:      {Name: "keymap", Kind: Choice, Default: "us", Choices: "us|uk|de|fr|dvorak|colemak", Help: "the keyboard layout"},
	Shell:       {Name: "shell", Kind: Choice, Default: "on", Choices: "on|off", Help: "off runs the post's keypress printer instead of the shell"},
	Console:     {Name: "console", Kind: Choice, Choices: "vga|fb|serial", Help: "the screen console, instead of the one the boot loader's screen suggests"},
	PS2:         {Name: "ps2", Kind: Choice, Choices: "force", Help: "force probes the 8042 even where ACPI says there is none"},
	Hz:          {Name: "hz", Kind: Number, Default: "1000", Min: 19, Max: 10000, Help: "timer interrupts per second"},
	NoVDSO:      {Name: "novdso", Kind: Flag, Help: "no vDSO: clock reads are system calls"},
	Systrace:    {Name: "systrace", Kind: Flag, Help: "print every system call and its result"},
	APIC:        {Name: "apic", Kind: Choice, Default: "on", Choices: "on|off", Help: "off uses the 8259 PICs and the 8254 PIT instead of the APICs"},
	X2APIC:      {Name: "x2apic", Kind: Choice, Default: "on", Choices: "on|off", Help: "off keeps the local APIC in xAPIC mode (MMIO) where x2APIC is offered"},
	TSCDeadline: {Name: "tscdeadline", Kind: Choice, Default: "on", Choices: "on|off", Help: "off times with the APIC timer's count-down where TSC-deadline mode is offered"},
	ClockSource: {Name: "clocksource", Kind: Choice, Choices: "cpuid|hpet|pmtimer|pit", Help: "measure the TSC against this source only"},
	CPUs:        {Name: "cpus", Kind: Number, Default: "64", Min: 1, Max: 64, Help: "use at most N CPUs: the Go program's GOMAXPROCS follows"},
	NoSMP:       {Name: "nosmp", Kind: Flag, Help: "use only the boot CPU"},
	Help:        {Name: "help", Kind: Flag, Help: "print this table at boot (cmdline=help too)"},
	BootTime:    {Name: "boottime", Kind: Flag, Help: "print where the boot's time went, phase by phase (kernel/stamp)"},
}

// Next returns the first word of s and the rest of s after it.
//
//go:nosplit
func Next(s string) (word, rest string) {
	i := 0
	for i < len(s) && space(s[i]) {
		i++
	}
	j := i
	for j < len(s) && !space(s[j]) {
		j++
	}
	return s[i:j], s[j:]
}

//go:nosplit
func space(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// Split divides word at its first '=': name and value, and whether there
// was one.
//
//go:nosplit
func Split(word string) (name, value string, hasValue bool) {
	for i := 0; i < len(word); i++ {
		if word[i] == '=' {
			return word[:i], word[i+1:], true
		}
	}
	return word, "", false
}

// IsEnv reports whether a NAME=VALUE word that is not an option is an
// environment variable: NAME starts with an upper-case letter.
//
//go:nosplit
func IsEnv(name string) bool { return len(name) > 0 && name[0] >= 'A' && name[0] <= 'Z' }

// Lookup returns the index of the option called name, or -1.
//
//go:nosplit
func Lookup(name string) int {
	for i := range Options {
		if Options[i].Name == name {
			return i
		}
	}
	return -1
}

// HasChoice reports whether v is one of the '|'-separated choices.
//
//go:nosplit
func HasChoice(choices, v string) bool {
	for rest := choices; ; {
		i := 0
		for i < len(rest) && rest[i] != '|' {
			i++
		}
		if rest[:i] == v {
			return v != ""
		}
		if i == len(rest) {
			return false
		}
		rest = rest[i+1:]
	}
}

// Atoi parses a decimal number of at most 12 digits.
//
//go:nosplit
func Atoi(s string) (uint64, bool) {
	var n uint64
	if s == "" || len(s) > 12 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + uint64(s[i]-'0')
	}
	return n, true
}
