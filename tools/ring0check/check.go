package main

import (
	"fmt"
	"sort"
	"strings"

	"golang.org/x/arch/x86/x86asm"
)

// Config says what to check.
type Config struct {
	Roots      []string // entry points: functions the CPU or assembly enters
	Vectors    string   // symbol of the 256 interrupt stubs; "" skips that check
	TrapCommon string   // where every stub must jump
}

// DefaultConfig is the kernel's: its interrupt, exception and system-call
// entries, and dispatch, which trapCommon calls through a register.
var DefaultConfig = Config{
	Roots:      []string{"main.vectors", "main.trapCommon", "main.syscallEntry", "main.dispatch"},
	Vectors:    "main.vectors",
	TrapCommon: "main.trapCommon",
}

// Result is the outcome of a check.
type Result struct {
	Roots        []string // as configured
	Reachable    []string // functions reached, the allowed runtime ones excepted
	RuntimeCalls []string // allowed runtime functions reached
	Tables       []Table  // func-value tables the reachable code uses
	VectorStubs  int      // stubs checked; -1 when not checked
	Violations   []Violation
	Trace        []string // every function reached and how, sorted
}

// Table is a data symbol (or a single static func value) through which
// reachable code finds functions it calls indirectly.
type Table struct {
	Name     string
	Handlers []string
}

// Violation is one broken rule.
type Violation struct {
	Kind   string // "runtime call", "indirect call", "decode", "bad target", "vectors"
	Chain  []Hop  // from a root to Func
	Func   string // where the offending code is
	Callee string // the forbidden runtime function, for "runtime call"
	Sites  []string
	Detail string
}

// Hop is one step of a chain: a function and how it was reached.
type Hop struct {
	Func string
	How  string // "" for a root
}

func (v Violation) chain() string {
	names := make([]string, len(v.Chain))
	for i, h := range v.Chain {
		names[i] = h.Func
	}
	return strings.Join(names, " -> ")
}

// Headline is the violation's one-line form.
func (v Violation) Headline() string {
	switch v.Kind {
	case "runtime call":
		return fmt.Sprintf("%s -> %s (%s at %s)", v.chain(), v.Callee, v.Detail, strings.Join(v.Sites, ", "))
	case "vectors":
		return "vector stubs: " + v.Detail
	default:
		return fmt.Sprintf("%s: %s at %s", v.chain(), v.Detail, strings.Join(v.Sites, ", "))
	}
}

// String is the headline and the chain with the step that reached each
// function, one per line.
func (v Violation) String() string {
	var sb strings.Builder
	sb.WriteString(v.Headline())
	for _, h := range v.Chain {
		if h.How == "" {
			fmt.Fprintf(&sb, "\n\t%s: root", h.Func)
		} else {
			fmt.Fprintf(&sb, "\n\t%s: %s", h.Func, h.How)
		}
	}
	return sb.String()
}

type edgeKind int

const (
	kCall    edgeKind = iota // CALL rel32
	kJump                    // JMP or Jcc to another function: a tail call
	kAddr                    // LEAQ fn(SB): the function's address is taken
	kFuncval                 // a static func value is referenced
	kTable                   // a referenced data symbol holds a func value
)

type edge struct {
	from  *Sym
	pc    uint64
	to    *Sym
	kind  edgeKind
	table string // for kTable and kFuncval
}

func (b *Binary) describe(e *edge) string {
	switch e.kind {
	case kCall:
		return "called at " + b.where(e.pc, e.from)
	case kJump:
		return "jumped to at " + b.where(e.pc, e.from)
	case kAddr:
		return "address taken at " + b.where(e.pc, e.from)
	case kFuncval:
		return "func value " + e.table + " referenced at " + b.where(e.pc, e.from)
	default:
		return "in table " + e.table + " referenced at " + b.where(e.pc, e.from)
	}
}

func (k edgeKind) verb() string {
	switch k {
	case kCall:
		return "call"
	case kJump:
		return "jump"
	case kAddr:
		return "address taken"
	case kFuncval:
		return "func value"
	default:
		return "table entry"
	}
}

// funcInfo is what decoding one function finds.
type funcInfo struct {
	edges    []edge
	indirect []uint64 // PCs of indirect calls and jumps
	instr    map[uint64]string
	resolved bool // a table, func value or function address was found
	tables   map[string][]*Sym
	bad      []string // decoding problems, as messages
}

// analyze decodes fn and collects its outgoing edges.
func (b *Binary) analyze(fn *Sym) *funcInfo {
	info := &funcInfo{instr: map[uint64]string{}, tables: map[string][]*Sym{}}
	code := b.bytes(fn.Addr, fn.Size)
	if code == nil {
		info.bad = append(info.bad, fmt.Sprintf("no code for %s at %#x", fn.Name, fn.Addr))
		return info
	}
	for off := 0; off < len(code); {
		pc := fn.Addr + uint64(off)
		inst, err := x86asm.Decode(code[off:], 64)
		if err != nil || inst.Len == 0 {
			info.bad = append(info.bad, fmt.Sprintf("cannot decode % x at %s: %v", code[off:min(off+8, len(code))], b.where(pc, fn), err))
			break
		}
		off += inst.Len
		next := pc + uint64(inst.Len)
		for _, a := range inst.Args {
			switch a := a.(type) {
			case x86asm.Rel:
				target := uint64(int64(next) + int64(a))
				if fn.contains(target) {
					continue
				}
				kind := kJump
				if inst.Op == x86asm.CALL {
					kind = kCall
				}
				to := b.funcAt(target)
				if to == nil || to.Addr != target {
					desc := fmt.Sprintf("%s to %#x, which is not a function's entry", strings.ToLower(inst.Op.String()), target)
					if to != nil {
						desc = fmt.Sprintf("%s to %#x, inside %s", strings.ToLower(inst.Op.String()), target, to.Name)
					}
					info.bad = append(info.bad, desc+" at "+b.where(pc, fn))
					if to == nil {
						continue
					}
				}
				info.edges = append(info.edges, edge{from: fn, pc: pc, to: to, kind: kind})
			case x86asm.Mem:
				if a.Base == x86asm.RIP {
					b.reference(fn, pc, uint64(int64(next)+a.Disp), info)
				}
			}
		}
		switch inst.Op {
		case x86asm.CALL, x86asm.JMP, x86asm.LCALL, x86asm.LJMP:
			if _, rel := inst.Args[0].(x86asm.Rel); !rel {
				info.indirect = append(info.indirect, pc)
				info.instr[pc] = x86asm.GoSyntax(inst, pc, nil)
			}
		}
	}
	return info
}

// reference handles a RIP-relative reference from fn at pc to address a.
func (b *Binary) reference(fn *Sym, pc, a uint64, info *funcInfo) {
	if b.isText(a) {
		to := b.funcAt(a)
		if to == nil || to == fn {
			return // a label of fn's own
		}
		info.resolved = true
		info.edges = append(info.edges, edge{from: fn, pc: pc, to: to, kind: kAddr})
		return
	}
	if to, name := b.funcval(a); to != nil {
		info.resolved = true
		info.tables[name] = appendUnique(info.tables[name], to)
		info.edges = append(info.edges, edge{from: fn, pc: pc, to: to, kind: kFuncval, table: name})
		return
	}
	d := b.objAt(a)
	if d == nil || d.Size == 0 || isMetadata(d.Name) {
		return
	}
	sc := b.scan(d)
	for _, w := range sc.text {
		if fn.contains(w) {
			info.resolved = true // a jump table of fn's own
		}
	}
	for _, to := range sc.funcs {
		info.resolved = true
		info.tables[d.Name] = appendUnique(info.tables[d.Name], to)
		info.edges = append(info.edges, edge{from: fn, pc: pc, to: to, kind: kTable, table: d.Name})
	}
}

type scanEntry struct {
	funcs []*Sym   // functions of the static func values found
	text  []uint64 // other words that point into code
}

// scan looks through the contents of data symbol d for static func values,
// also one pointer away in writable data (the backing array of a slice
// variable, say).
func (b *Binary) scan(d *Sym) *scanEntry {
	if e := b.scanned[d]; e != nil {
		return e
	}
	e := &scanEntry{}
	b.scanned[d] = e
	b.scanWords(d, e, 1, map[*Sym]bool{d: true})
	return e
}

func (b *Binary) scanWords(d *Sym, e *scanEntry, depth int, seen map[*Sym]bool) {
	data := b.bytes(d.Addr, d.Size)
	for off := (8 - d.Addr%8) % 8; off+8 <= uint64(len(data)); off += 8 {
		w, _ := b.word(d.Addr + off)
		if d.readOnly {
			// An unnamed read-only region may run on over many
			// symbols the linker does not name (type descriptors,
			// with their equality functions): only look for a
			// jump table, the compiler's, which holds code addresses.
			if b.isText(w) {
				e.text = append(e.text, w)
			}
			continue
		}
		if fn, _ := b.funcval(w); fn != nil {
			e.funcs = appendUnique(e.funcs, fn)
			continue
		}
		if b.isText(w) {
			e.text = append(e.text, w)
			continue
		}
		if depth == 0 {
			continue
		}
		if s := b.section(w); s != nil && s.writable && s.data != nil {
			if d2 := b.objAt(w); d2 != nil && !seen[d2] && !isMetadata(d2.Name) {
				seen[d2] = true
				b.scanWords(d2, e, depth-1, seen)
			}
		}
	}
}

// isMetadata reports whether a data symbol is the runtime's type metadata:
// a type descriptor's func values (its equality function) and an itab's
// method table are called by the runtime or through interface method calls,
// which are indirect calls that need resolving on their own, not by the
// function that merely names the type.
func isMetadata(name string) bool {
	return strings.HasPrefix(name, "type:") || strings.HasPrefix(name, "go:itab.")
}

func appendUnique(list []*Sym, s *Sym) []*Sym {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// Check runs the checks of cfg on b.
func Check(b *Binary, cfg Config) (*Result, error) {
	r := &Result{Roots: cfg.Roots, VectorStubs: -1}
	var queue []*Sym
	parent := map[*Sym]*edge{}
	seen := map[*Sym]bool{}
	for _, name := range cfg.Roots {
		syms := b.lookup(name)
		if len(syms) == 0 {
			return nil, fmt.Errorf("root %s: no such function", name)
		}
		for _, s := range syms {
			if isRuntimeSym(s.Name) {
				return nil, fmt.Errorf("root %s: a runtime function cannot be a root", name)
			}
			if !seen[s] {
				seen[s] = true
				queue = append(queue, s)
			}
		}
	}

	chain := func(fn *Sym) []Hop {
		var hops []Hop
		for s := fn; s != nil; {
			e := parent[s]
			if e == nil {
				hops = append(hops, Hop{Func: s.Name})
				break
			}
			hops = append(hops, Hop{Func: s.Name, How: b.describe(e)})
			s = e.from
		}
		for i, j := 0, len(hops)-1; i < j; i, j = i+1, j-1 {
			hops[i], hops[j] = hops[j], hops[i]
		}
		return hops
	}

	runtimeCalls := map[string]bool{}
	tables := map[string]map[string]bool{}
	for len(queue) > 0 {
		fn := queue[0]
		queue = queue[1:]
		info := b.analyze(fn)

		type key struct {
			callee string
			kind   edgeKind
		}
		bad := map[key][]string{}
		var badOrder []key
		for i := range info.edges {
			e := &info.edges[i]
			to := e.to
			if to == fn {
				continue
			}
			if isRuntimeSym(to.Name) {
				if !runtimeAllowed(to.Name) {
					k := key{to.Name, e.kind}
					if bad[k] == nil {
						badOrder = append(badOrder, k)
					}
					site := b.at(e.pc)
					if bad[k] == nil {
						site = b.where(e.pc, fn)
					}
					if e.table != "" {
						site += " via " + e.table
					}
					bad[k] = append(bad[k], site)
					continue
				}
				runtimeCalls[baseName(to.Name)] = true
			}
			if !seen[to] {
				seen[to] = true
				parent[to] = e
				queue = append(queue, to)
			}
		}
		for _, k := range badOrder {
			r.Violations = append(r.Violations, Violation{
				Kind: "runtime call", Chain: chain(fn), Func: fn.Name,
				Callee: k.callee, Sites: bad[k], Detail: k.kind.verb(),
			})
		}
		for name, fns := range info.tables {
			if tables[name] == nil {
				tables[name] = map[string]bool{}
			}
			for _, f := range fns {
				tables[name][f.Name] = true
			}
		}
		if len(info.indirect) > 0 && !info.resolved && !indirectAllowed(fn.Name) {
			var sites []string
			for i, pc := range info.indirect {
				site := b.at(pc)
				if i == 0 {
					site = b.where(pc, fn)
				}
				sites = append(sites, site+" ("+info.instr[pc]+")")
			}
			r.Violations = append(r.Violations, Violation{
				Kind: "indirect call", Chain: chain(fn), Func: fn.Name, Sites: sites,
				Detail: "unresolved indirect call",
			})
		}
		for _, msg := range info.bad {
			r.Violations = append(r.Violations, Violation{
				Kind: "decode", Chain: chain(fn), Func: fn.Name, Detail: "cannot follow the code", Sites: []string{msg},
			})
		}
	}

	for s := range seen {
		if !isRuntimeSym(s.Name) {
			r.Reachable = append(r.Reachable, s.Name)
		}
		how := "root"
		if e := parent[s]; e != nil {
			how = b.describe(e)
		}
		r.Trace = append(r.Trace, s.Name+": "+how)
	}
	sort.Strings(r.Reachable)
	sort.Strings(r.Trace)
	for name := range runtimeCalls {
		r.RuntimeCalls = append(r.RuntimeCalls, name)
	}
	sort.Strings(r.RuntimeCalls)
	for name, fns := range tables {
		t := Table{Name: name}
		for f := range fns {
			t.Handlers = append(t.Handlers, f)
		}
		sort.Strings(t.Handlers)
		r.Tables = append(r.Tables, t)
	}
	sort.Slice(r.Tables, func(i, j int) bool { return r.Tables[i].Name < r.Tables[j].Name })

	if cfg.Vectors != "" {
		n, vs := b.checkVectors(cfg.Vectors, cfg.TrapCommon)
		r.VectorStubs = n
		r.Violations = append(r.Violations, vs...)
	}
	sort.SliceStable(r.Violations, func(i, j int) bool {
		return r.Violations[i].String() < r.Violations[j].String()
	})
	return r, nil
}

// OK reports whether no rule is broken.
func (r *Result) OK() bool { return len(r.Violations) == 0 }

// Summary is the one-line report.
func (r *Result) Summary() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%d functions reachable from %d roots; runtime calls: ", len(r.Reachable), len(r.Roots))
	if len(r.RuntimeCalls) == 0 {
		sb.WriteString("none")
	}
	sb.WriteString(strings.Join(r.RuntimeCalls, ", "))
	sb.WriteString("; tables: ")
	if len(r.Tables) == 0 {
		sb.WriteString("none")
	}
	for i, t := range r.Tables {
		if i > 0 {
			sb.WriteString(", ")
		}
		unit := "handlers"
		if len(t.Handlers) == 1 {
			unit = "handler"
		}
		fmt.Fprintf(&sb, "%s (%d %s)", t.Name, len(t.Handlers), unit)
	}
	switch {
	case r.VectorStubs < 0:
		sb.WriteString("; vectors: not checked")
	default:
		bad := 0
		for _, v := range r.Violations {
			if v.Kind == "vectors" {
				bad++
			}
		}
		if bad == 0 {
			fmt.Fprintf(&sb, "; vectors: %d stubs ok", r.VectorStubs)
		} else {
			fmt.Fprintf(&sb, "; vectors: %d problems", bad)
		}
	}
	return sb.String()
}
