package boot

import (
	"gokernel/kernel/cmdline"
	"gokernel/kernel/console"
	"gokernel/kernel/machine"
	"gokernel/kernel/sys"
)

// Options applies the command line's options that ring 0 uses (test mode,
// exit=, systrace) and prints one warning per problem that Loader's parse found,
// and the option table if help was asked for. test= with no name stops
// the boot with the fail status: a test run that names no test must not
// wait for one.
//
//go:nosplit
func Options() {
	l := &cmdline.Boot
	for _, p := range l.Problems() {
		warn(p)
	}
	if l.Dropped > 0 {
		console.WriteString("cmdline: ")
		console.Dec(int64(l.Dropped))
		console.Line(" more problems not shown")
	}
	if l.WantsHelp() {
		printHelp()
	}
	machine.StatusExit = cmdline.Get(cmdline.Exit).Str == "qemu"
	machine.TestMode = cmdline.Get(cmdline.Test).Set || machine.StatusExit
	sys.Trace = cmdline.Get(cmdline.Systrace).Set
	for _, p := range l.Problems() {
		if p.Option == cmdline.Test {
			machine.TestMode = true
			fail("boot: test= names no test; test=list names them", "")
		}
	}
}

// warn prints a problem with a word of the command line.
//
//go:nosplit
func warn(p cmdline.Problem) {
	console.WriteString("cmdline: ")
	console.WriteString(p.Word)
	if p.Option < 0 || p.Option >= len(cmdline.Options) {
		console.Line(": unknown option (cmdline=help lists them)")
		return
	}
	o := &cmdline.Options[p.Option]
	switch p.Fault {
	case cmdline.Repeated:
		console.Line(": given again; the last one wins")
		return
	case cmdline.NoValue:
		if o.Kind == cmdline.Flag {
			console.Line(": takes no value; ignored")
		} else {
			console.Line(": no value; ignored")
		}
		return
	}
	switch o.Kind {
	case cmdline.Number:
		console.WriteString(": not a number from ")
		console.Dec(int64(o.Min))
		console.WriteString(" to ")
		console.Dec(int64(o.Max))
	default:
		console.WriteString(": not one of ")
		choices(o.Choices)
	}
	if o.Default != "" {
		console.WriteString("; using ")
		console.Line(o.Default)
	} else {
		console.Line("; ignored")
	}
}

// choices prints a|b|c as "a, b, c".
//
//go:nosplit
func choices(s string) {
	for i := 0; i < len(s); i++ {
		if s[i] == '|' {
			console.WriteString(", ")
			continue
		}
		console.WriteString(s[i : i+1])
	}
}

// printHelp prints the option table.
//
//go:nosplit
func printHelp() {
	console.Line("cmdline: the kernel's options (NAME=VALUE words starting with a capital go to the Go program's environment):")
	for i := range cmdline.Options {
		o := &cmdline.Options[i]
		console.WriteString("  ")
		console.WriteString(o.Name)
		switch o.Kind {
		case cmdline.Word:
			console.WriteString("=NAME")
		case cmdline.Number:
			console.WriteString("=")
			console.Dec(int64(o.Min))
			console.WriteString("..")
			console.Dec(int64(o.Max))
		case cmdline.Choice:
			console.WriteString("=")
			console.WriteString(o.Choices)
		}
		if o.Default != "" {
			console.WriteString(" (default ")
			console.WriteString(o.Default)
			console.WriteString(")")
		}
		console.WriteString(": ")
		console.Line(o.Help)
	}
}
