package task_test

import (
	"fmt"

	"gokernel/keyboard"
	"gokernel/task"
)

// asyncNumber is `async fn async_number() -> u32 { 42 }` written by hand:
// a future that is ready at its first poll.
type asyncNumber struct{}

func (asyncNumber) Poll(*task.Context) (uint32, bool) { return 42, true }

// exampleTask is the post's example_task as a state machine: its state is
// the future it awaits.
//
//	async fn example_task() {
//		let number = async_number().await;
//		println!("async number: {}", number);
//	}
type exampleTask struct {
	number task.Future[uint32]
}

func (t *exampleTask) Poll(cx *task.Context) (struct{}, bool) {
	n, ok := t.number.Poll(cx)
	if !ok {
		return struct{}{}, false // pending: the awaited future has our waker
	}
	fmt.Println("async number:", n)
	return struct{}{}, true
}

// A task written by hand as a state machine, run by the post's first
// executor and by the real one.
func Example_stateMachine() {
	var simple task.SimpleExecutor
	simple.Spawn(&exampleTask{number: asyncNumber{}})
	simple.Run()

	ex, err := task.NewExecutor(16, nil)
	if err != nil {
		panic(err)
	}
	ex.Spawn(&exampleTask{number: asyncNumber{}})
	if err := ex.Run(); err != nil {
		panic(err)
	}
	// Output:
	// async number: 42
	// async number: 42
}

// The same task with the helpers: async_number is Ready(42), and the body
// after the await is a Map.
func Example_helpers() {
	ex, _ := task.NewExecutor(16, nil)
	ex.Spawn(task.Map(task.Ready[uint32](42), func(n uint32) struct{} {
		fmt.Println("async number:", n)
		return struct{}{}
	}))
	ex.Run()
	// Output: async number: 42
}

// scancodes is a fake scancode stream: the bytes of a slice, one per poll,
// each announced by a wake as an interrupt would.
type scancodes struct{ bytes []byte }

func (s *scancodes) PollNext(cx *task.Context) (byte, bool, bool) {
	if len(s.bytes) == 0 {
		return 0, false, true // ended
	}
	b := s.bytes[0]
	s.bytes = s.bytes[1:]
	return b, true, true
}

// The post's print_keypresses task: a ForEach over the scancode stream
// that decodes each byte and prints what it yields. (The kernel's is
// keyboard.PrintKeypresses over a keyboard.ScancodeStream.)
func Example_keypresses() {
	// h, i, Shift+1, ArrowUp: presses and releases, scan code set 1.
	s := &scancodes{bytes: []byte{0x23, 0xA3, 0x17, 0x97, 0x2A, 0x02, 0x82, 0xAA, 0xE0, 0x48, 0xE0, 0xC8}}
	d := keyboard.NewDecoder(keyboard.US, keyboard.CtrlMapsToControlChars)
	ex, _ := task.NewExecutor(16, nil)
	ex.Spawn(task.ForEach(s, func(b byte) {
		if e, ok := d.Feed(b); ok {
			fmt.Print(e, " ")
		}
	}))
	ex.Run()
	fmt.Println()
	// Output: h i <LShift> ! <ArrowUp>
}

// Join waits for several futures; Join2 for two of different types.
func ExampleJoin2() {
	ex, _ := task.NewExecutor(16, nil)
	nums := task.Join(task.Ready(1), task.Ready(2), task.Then(task.Yield(), func(struct{}) task.Future[int] {
		return task.Ready(3)
	}))
	ex.Spawn(task.Map(task.Join2(nums, task.Ready("three")), func(p task.Pair[[]int, string]) struct{} {
		fmt.Println(p.First, p.Second)
		return struct{}{}
	}))
	ex.Run()
	// Output: [1 2 3] three
}
