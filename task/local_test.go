package task

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
)

// TestGoroutineIdentity checks what the local path relies on, on the
// toolchain in use: currentG is the g at -8(FS), whose first two words
// are the goroutine's stack bounds (the stack pointer lies between them);
// onOwnStack is true on the goroutine and false on any other.
func TestGoroutineIdentity(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("no goroutine identity check off linux/amd64: every wake is shared")
	}
	g := currentG()
	lo, hi, sp := stackBounds()
	if g == 0 || !(lo < sp && sp < hi) || hi-lo < 2048 || (hi-lo)&(hi-lo-1) != 0 {
		t.Fatalf("g %#x, stack [%#x, %#x), sp %#x: not a goroutine's stack", g, lo, hi, sp)
	}
	if !onOwnStack(g) {
		t.Error("onOwnStack is false on the goroutine itself")
	}
	other := make(chan bool)
	go func() { other <- onOwnStack(g) || currentG() == g }()
	if <-other {
		t.Error("another goroutine passes for this one")
	}
	if onOwnStack(0) || onOwnStack(g+8) {
		t.Error("onOwnStack true for another g")
	}
}

// TestLocalWakes: wakes made by tasks on Run's goroutine take the local
// path (no push into the shared run queue), the order stays first in,
// first out, and a remote wake that happened before a local one is polled
// first.
func TestLocalWakes(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("no local path off linux/amd64")
	}
	e, _ := testExecutor(t, 8)
	var order []string
	var wa, wb Waker
	a := polls(func(n int, cx *Context) bool {
		order = append(order, "a")
		wa = cx.Waker()
		return n == 2
	})
	b := polls(func(n int, cx *Context) bool {
		order = append(order, "b")
		wb = cx.Waker()
		return n == 2
	})
	var pushes int
	x := polls(func(n int, cx *Context) bool {
		order = append(order, "x")
		if n == 1 {
			cx.Waker().Wake() // after a and b have registered
			return false
		}
		// A remote wake of a (from another goroutine, completed before
		// the local wake of b): a must come first.
		done := make(chan struct{})
		go func() {
			wa.Wake()
			close(done)
		}()
		<-done
		pushes = queuedCount(e)
		wb.Wake()
		return true
	})
	mustSpawn(t, e, a)
	mustSpawn(t, e, b)
	mustSpawn(t, e, x)
	mustRun(t, e)
	if got := order; !slices.Equal(got, []string{"a", "b", "x", "x", "a", "b"}) {
		t.Errorf("poll order %v, want [a b x x a b]", got)
	}
	if pushes != 1 {
		t.Errorf("%d tasks in the shared queue after the remote wake, want 1", pushes)
	}
}

// TestLocalAndRemoteWakes: tasks pass a token around a ring with local
// wakes while goroutines standing in for interrupt handlers send them
// events with remote wakes, at the same time, to the same tasks. Every
// event is consumed and every pass arrives: no wake is lost on either
// path, and a task is never twice in the run list.
func TestLocalAndRemoteWakes(t *testing.T) {
	repeat(t, func(t *testing.T) {
		const tasks, irqs, perIRQ, passes = 6, 4, 3000, 5000
		e, irq := testExecutor(t, tasks)
		type node struct {
			events atomic.Int64
			waker  AtomicWaker
			token  bool
			got    int64
		}
		nodes := make([]*node, tasks)
		for i := range nodes {
			nodes[i] = &node{}
		}
		nodes[0].token = true
		passed := 0
		var maxList int
		want := int64(irqs * perIRQ / tasks)
		for i, nd := range nodes {
			mustSpawn(t, e, polls(func(n int, cx *Context) bool {
				nd.waker.Register(cx.Waker())
				nd.got += nd.events.Swap(0)
				if nd.token && passed < passes {
					nd.token = false
					passed++
					next := nodes[(i+1)%tasks]
					next.token = true
					next.waker.Wake() // local
				}
				maxList = max(maxList, runListLen(e))
				if passed == passes && nd.got == want {
					for _, o := range nodes {
						o.waker.Wake() // let the others see the end
					}
					return true
				}
				return false
			}))
		}
		var wg sync.WaitGroup
		for g := range irqs {
			wg.Go(func() {
				for k := range perIRQ {
					nd := nodes[(g+k)%tasks]
					nd.events.Add(1)
					nd.waker.Wake() // remote
					irq.raise()
					if k%32 == 0 {
						runtime.Gosched()
					}
				}
			})
		}
		mustRun(t, e)
		wg.Wait()
		for i, nd := range nodes {
			if nd.got != want || nd.events.Load() != 0 {
				t.Errorf("task %d consumed %d events (%d left), want %d", i, nd.got, nd.events.Load(), want)
			}
		}
		if passed != passes {
			t.Errorf("token passed %d times, want %d", passed, passes)
		}
		if t.Failed() {
			for i, nd := range nodes {
				t.Logf("node %d: got %d, events %d, token %v", i, nd.got, nd.events.Load(), nd.token)
			}
		}
		if maxList > tasks {
			t.Errorf("run list of %d entries with %d tasks", maxList, tasks)
		}
	})
}

// runListLen returns the length of e's run list (on Run's goroutine).
func runListLen(e *Executor) int {
	n := 0
	for next := e.runners[0].runHead; next != 0; next = e.entry(uint64(next - 1)).link {
		if n++; n > e.max+1 {
			return n // a cycle: the caller's bound fails
		}
	}
	return n
}
