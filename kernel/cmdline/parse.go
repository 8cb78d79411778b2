package cmdline

// Parsing: Parse checks every word against the table once, at boot, and
// records the values and the problems; Get reads a value.

// Problem kinds.
type Fault uint8

const (
	Unknown  Fault = iota + 1 // not an option, not an environment variable
	BadValue                  // an option's value is not allowed; the default stays
	Repeated                  // given twice: the last wins
	NoValue                   // NAME= with nothing, or a value for a flag
)

// Problem is one warning about a word.
type Problem struct {
	Fault  Fault
	Word   string
	Option int // the option's index, -1 for Unknown
}

// MaxProblems bounds the problems kept; Line.Dropped counts the rest.
const MaxProblems = 16

// Value is an option's setting.
type Value struct {
	Set bool   // given on the command line (and valid)
	Str string // the value as written (Flag: "")
	Num uint64 // Number: the value
}

// Line is a parsed command line.
type Line struct {
	Raw      string
	vals     [numOptions]Value
	problems [MaxProblems]Problem
	nprob    int
	Dropped  int // problems beyond MaxProblems
	help     bool
}

// Parse parses s into l.
//
//go:nosplit
func (l *Line) Parse(s string) {
	// Cleared in place, then Raw set: Line{Raw: s} is built in a
	// temporary of Line's size (1,152 bytes with exit= and cwd=), which
	// pushed this nosplit function over its stack limit in -race builds.
	*l = Line{}
	l.Raw = s
	for rest := s; ; {
		var w string
		w, rest = Next(rest)
		if w == "" {
			return
		}
		l.word(w)
	}
}

//go:nosplit
func (l *Line) word(w string) {
	name, value, hasValue := Split(w)
	if name == "cmdline" && value == "help" {
		l.help = true
		return
	}
	i := Lookup(name)
	if i < 0 || i >= numOptions {
		if !(hasValue && IsEnv(name)) {
			l.problem(Unknown, w, -1)
		}
		return
	}
	o := &Options[i]
	var v Value
	switch {
	case o.Kind == Flag:
		if hasValue {
			l.problem(NoValue, w, i)
			return
		}
		v = Value{Set: true}
	case !hasValue || value == "":
		l.problem(NoValue, w, i)
		return
	case o.Kind == Number:
		n, ok := Atoi(value)
		if !ok || n < o.Min || n > o.Max {
			l.problem(BadValue, w, i)
			return
		}
		v = Value{Set: true, Str: value, Num: n}
	case o.Kind == Choice && !HasChoice(o.Choices, value):
		l.problem(BadValue, w, i)
		return
	default:
		v = Value{Set: true, Str: value}
	}
	if l.vals[i].Set {
		l.problem(Repeated, w, i)
	}
	l.vals[i] = v
	if i == Help {
		l.help = true
	}
}

//go:nosplit
func (l *Line) problem(f Fault, w string, opt int) {
	if l.nprob >= MaxProblems {
		l.Dropped++
		return
	}
	l.problems[l.nprob] = Problem{f, w, opt}
	l.nprob++
}

// Problems returns the problems found, in the order of the words.
//
//go:nosplit
func (l *Line) Problems() []Problem { return l.problems[:l.nprob:l.nprob] }

// WantsHelp reports whether help or cmdline=help was given.
//
//go:nosplit
func (l *Line) WantsHelp() bool { return l.help }

// Get returns option i's value: what the line set, or the default.
//
//go:nosplit
func (l *Line) Get(i int) Value {
	if i < 0 || i >= numOptions {
		return Value{}
	}
	if l.vals[i].Set {
		return l.vals[i]
	}
	o := &Options[i]
	v := Value{Str: o.Default}
	if o.Kind == Number {
		v.Num, _ = Atoi(o.Default)
	}
	return v
}

// Boot is the kernel's command line, parsed by the boot code before the
// runtime starts and only read after that.
var Boot Line

// Get returns option i's value on the kernel's command line.
//
//go:nosplit
func Get(i int) Value { return Boot.Get(i) }
