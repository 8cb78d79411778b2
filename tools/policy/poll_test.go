package policy

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// asyncPackages are the packages whose code runs inside Poll: the
// executor and its futures, the keyboard decoder, the shell, and the
// drivers written as tasks.
var asyncPackages = []string{"task", "task/ring", "task/source", "keyboard", "kernel/shell", "kernel/dev/ps2", "kernel/usb", "kernel/dev/xhci"}

// blockingOK are the files where blocking belongs: the idle functions,
// which run when no task can, and the ring's stall build (-tags
// ringstall), which yields on purpose inside a push to test preemption.
var blockingOK = map[string]bool{
	"task/idle.go":          true,
	"task/futex_other.go":   true,
	"task/ring/stall_on.go": true,
}

// TestNothingBlocksInPoll checks that no code a Poll runs can stall the
// other tasks: no time.Sleep or runtime.Gosched outside the idle
// functions, and no Poll or PollNext that spins on the clock (a loop
// whose condition reads time.Now or time.Since). A Poll that must wait
// returns false and is woken (issue 11: ps2.SetLEDs once slept 1 ms and
// spun inside the keyboard stream's PollNext, stalling every task).
func TestNothingBlocksInPoll(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, pkg := range asyncPackages {
		files, err := filepath.Glob(filepath.Join(root, pkg, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			rel, _ := filepath.Rel(root, path)
			rel = filepath.ToSlash(rel)
			if strings.HasSuffix(path, "_test.go") || blockingOK[rel] {
				continue
			}
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := parser.ParseFile(fset, path, src, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok {
					if name := selector(call.Fun); name == "time.Sleep" || name == "runtime.Gosched" {
						t.Errorf("%s: %s in async code: a Poll that waits returns false and is woken", fset.Position(call.Pos()), name)
					}
				}
				fn, ok := n.(*ast.FuncDecl)
				if !ok || fn.Recv == nil || fn.Body == nil || (fn.Name.Name != "Poll" && fn.Name.Name != "PollNext") {
					return true
				}
				ast.Inspect(fn.Body, func(n ast.Node) bool {
					loop, ok := n.(*ast.ForStmt)
					if ok && loop.Cond != nil && readsClock(loop.Cond) {
						t.Errorf("%s: %s spins on the clock", fset.Position(loop.Pos()), fn.Name.Name)
					}
					return true
				})
				return true
			})
		}
	}
}

// selector returns "pkg.Name" for a call of pkg.Name, else "".
func selector(e ast.Expr) string {
	s, ok := e.(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	id, ok := s.X.(*ast.Ident)
	if !ok {
		return ""
	}
	return id.Name + "." + s.Sel.Name
}

// readsClock reports whether e calls time.Now or time.Since.
func readsClock(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if name := selector(call.Fun); name == "time.Now" || name == "time.Since" {
				found = true
			}
		}
		return !found
	})
	return found
}
