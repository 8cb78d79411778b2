// Package task is cooperative multitasking with futures: the design of the
// "Async/Await" post of "Writing an OS in Rust", in Go. A task is a Future
// that an executor polls; a future that cannot make progress returns
// pending after arranging for its task's Waker to be woken, and the
// executor polls it again only after that wake. The keyboard task is the
// example: it sleeps until the keyboard interrupt handler pushes a
// scancode and wakes it.
//
// It is pure Go, imports no hardware package and is tested on the host.
// The parts an interrupt handler calls (Waker.Wake, AtomicWaker.Wake) obey
// the kernel's ring-0 rules.
//
// # The post, item by item
//
// Each item of the post ("Async/Await", Writing an OS in Rust, post 12)
// and where its Go counterpart lives:
//
//	Post (Rust)                Go                                          File
//	Future trait               Future[T]                                   task/future.go
//	Poll::Ready / Pending      Poll's (T, bool) result: true is Ready      task/future.go
//	Context                    Context                                     task/future.go
//	Waker                      Waker                                       task/waker.go
//	SimpleExecutor             SimpleExecutor                              task/simple.go
//	Executor (spawn, run,      Executor: Spawn, Run; a runner's            task/executor.go, task/runner.go
//	  run_ready_tasks)           runReadyTasks, sleepIfIdle
//	TaskWaker, wake_task       the task's header and Waker.Wake            task/waker.go
//	waker cache                the entry's header pointer: Waker{hdr}      task/table.go
//	Task, TaskId, tasks map    entry, TaskID, the slot table               task/table.go
//	task_queue (ArrayQueue)    a runner's run queue and run list           task/runqueue.go, task/local.go
//	ScancodeStream             ps2.Open, a *source.Source[byte]            kernel/dev/ps2 (gokernel/kernel/dev/ps2),
//	                                                                         task/source/source.go
//	AtomicWaker                AtomicWaker                                 task/atomicwaker.go
//	print_keypresses           keyboard.PrintKeypresses                    keyboard/print.go
//	sleep_if_idle              IdleFunc; the kernel's idle function        task/idle.go, kernel/tasks/idle.go
//
// # Futures, streams, wakers
//
// Future[T] has one method, Poll(cx) (T, bool): the value and true when
// complete, false when pending. Stream[T] has PollNext(cx) (v T, ok, ready
// bool): ready false is pending, otherwise v, ok is a channel receive (ok
// false: the stream ended). Context carries the task's Waker. A Waker is
// one pointer; the zero Waker does nothing.
//
// # Writing a task
//
// A task is a Future[struct{}]. There are two ways to write one.
//
// (a) By hand, as a state machine: a struct whose fields are the state
// kept across awaits, and a Poll method that resumes from it. This is what
// the Rust compiler turns an async fn into. The post's
//
//	async fn async_number() -> u32 { 42 }
//
//	async fn example_task() {
//		let number = async_number().await;
//		println!("async number: {}", number);
//	}
//
// becomes
//
//	type asyncNumber struct{}
//
//	func (asyncNumber) Poll(*task.Context) (uint32, bool) { return 42, true }
//
//	type exampleTask struct {
//		number task.Future[uint32] // the future being awaited
//	}
//
//	func (t *exampleTask) Poll(cx *task.Context) (struct{}, bool) {
//		n, ok := t.number.Poll(cx)
//		if !ok {
//			return struct{}{}, false // pending: asyncNumber has our waker
//		}
//		fmt.Println("async number:", n)
//		return struct{}{}, true
//	}
//
//	ex.Spawn(&exampleTask{number: asyncNumber{}})
//
// (b) With the helpers, which keep short tasks short: FutureFunc (a future
// from a poll function), StreamFunc, Ready, Pending, Yield, Map (fn of
// the value), Then (await one future after another), Join (several of the
// same type, into a slice), Join2 (two of different types, into a Pair)
// and ForEach (a loop over a stream). The same example:
//
//	ex.Spawn(task.Map(task.Ready[uint32](42), func(n uint32) struct{} {
//		fmt.Println("async number:", n)
//		return struct{}{}
//	}))
//
// and the post's keypress printer, `while let Some(scancode) =
// scancodes.next().await { ... }`, is a ForEach over the scancode stream
// (keyboard.PrintKeypresses is the full one):
//
//	d := keyboard.NewDecoder(keyboard.US, keyboard.CtrlMapsToControlChars)
//	ex.Spawn(task.ForEach(scancodes, func(b byte) {
//		if e, ok := d.Feed(b); ok {
//			fmt.Print(e)
//		}
//	}))
//
// Example_stateMachine, Example_helpers and Example_keypresses run these.
//
// # Executors
//
// SimpleExecutor is the post's first executor: it polls its tasks round
// robin with a no-op waker, busy-waiting. Executor is the post's last one:
// a task table, a run queue, one cached Waker per task, Spawn (also from
// tasks, through a Spawner, and from other goroutines), and Run, which
// polls queued tasks in FIFO order, fires due timers (see Timers) and
// calls an idle function when none is queued. It runs on several CPUs at
// once (see Several CPUs below), and improves on the post:
//
//   - A wake can never overflow or drop. Each task has a queued bit that
//     its first wake sets; only that wake queues it, and its runner
//     clears the bit when it takes the task, before polling. So a task is queued at
//     most once, and the run queue, intrusive (linked through the tasks),
//     has no capacity to exceed. The task limit is fixed by NewExecutor;
//     Spawn beyond it returns ErrTooManyTasks.
//   - Duplicate and late wakes are harmless: a task already queued is not
//     queued again; a wake during its poll queues it for one more poll (a
//     wake is never lost).
//   - A finished task's Waker does nothing (its done flag), and holds only
//     the task's 32-byte header, not its future, which the garbage
//     collector frees when the task ends.
//   - A task that finished while queued (woken during its last poll) is
//     dropped when Run reaches it, and only then is its slot reused; a
//     stale Waker never reaches another task.
//   - A task that panics is recovered, reported with its ID and stack
//     (SetPanicHandler; by default to os.Stderr) and removed; the others
//     run on.
//   - Run returns when no task is left; Spawn on a stopped executor (after
//     Run returned, or after Stop) returns ErrStopped.
//   - Snapshot lists the tasks with their name (SpawnNamed), state, polls,
//     wakes, runner and the CPU that last polled them, for a `tasks`
//     command.
//   - Spawn (the function) returns a JoinHandle, a future of the task's
//     value, as tokio's spawn does: a task awaits another's result, and
//     learns of its panic or drop as an error instead of waiting forever.
//
// # Task representation
//
// Tasks live in a table of 48-byte entries (future, header pointer, ID,
// poll count, a link, and a word of flags: the slot's state, whether the
// task is in the run list, the CPU that last polled it), in chunks of 128
// that are allocated as slots are first needed and never move, with a
// free list of slots. Each task also has a 48-byte header, allocated once
// at spawn, that its Wakers point to: its slot, a pointer to its runner,
// its state word (queued, done), the run queue's link, the counts of
// duplicate wakes and its name. The Waker cache of the post is the
// entry's header pointer: Waker{hdr} is made without allocating, for
// every poll.
//
// Each runner's run queue (runqueue.go) is a lock-free stack of slot
// numbers linked through the headers, which wakes from other runners,
// goroutines and interrupt handlers push onto; the runner takes it whole,
// in one swap, onto its run list (local.go), a FIFO private to its
// goroutine and linked through the entries, which wakes made by its own
// tasks extend without a locked instruction. A slot is reused only when
// its task is queued nowhere.
//
// A pending task thus costs 48 + 48 = 96 bytes besides its future
// (measured: 99 with 100,000 tasks, which includes the chunks' slack); a
// goroutine parked on a channel costs 2.6 to 4.2 KB (its stack starts at
// 2 KB, or more once the runtime has seen deeper stacks). See
// BenchmarkIdleMemory.
//
// A runner polls without taking the executor's mutex; see Executor.
//
// # Several CPUs
//
// An executor has one runner or more (Config.Runners), and Run may be
// called on as many goroutines at once; the kernel runs one per CPU, each
// locked to its thread. Each runner has its own run queue, run list, timer
// queue and park word; the task table, the limit and the stop state are
// shared. A task belongs to one runner from Spawn to its end (Spawn
// picks the runner with the fewest tasks, SpawnOn a given one): a wake on
// that runner's goroutine is local, any other pushes the task onto its
// runner's run queue and unparks that runner if it sleeps. Runners do not
// steal tasks from each other: everything that makes one runner fast
// relies on a task having one owner, and the kernel's tasks wait for I/O
// rather than compute. runner.go gives the argument in full, and the
// rules for the end of Run with several runners.
//
// # Interrupt safety
//
// The keyboard interrupt handler runs in ring 0, on a kernel stack the Go
// runtime does not know, with interrupts off, while the interrupted
// goroutine may be anywhere, even inside Run or inside a Wake. What it
// calls must be //go:nosplit and must not allocate, run a write barrier
// (store a Go pointer into the heap or a global), panic or call the
// runtime. Waker.Wake and AtomicWaker.Wake are built for that: Wake loads
// the header pointer (loads need no barrier), finds that it runs on a
// kernel stack, not on a runner's goroutine's (so it takes the shared
// path, see local.go), loads the state, compare-and-swaps its queued bit
// (or adds to the duplicate count) and pushes the slot number onto the
// task's runner's run queue with one more; links are integers, so nothing
// stores a pointer. If that runner parks, it marks the park word (1 to 2)
// but makes no system call, which ring 0 cannot (inRing0 reads the
// privilege level from CS); the kernel ends the runner's wait after the
// handler (see park). It waits for nothing, so it cannot deadlock with the
// Run or Wake it interrupted. AtomicWaker.Wake loads the registered header
// and does the same; it does not clear the registration, because that
// would be a pointer store (see AtomicWaker). TestCodegen builds a program
// and checks the machine code reachable from these functions with
// tools/ring0check: no runtime call at all.
//
// # Timers
//
// Sleep(d) is a future that completes once d has passed, and NewTicker a
// stream of ticks; both wait in a timer queue, Timers. Each runner of an
// executor has its own, which the Context carries to the poll, and a
// timer joins the queue of the runner whose task polls it, so runners
// (and executors) running in different goroutines share nothing
// (SetTimers gives an executor of one runner a queue on a clock of your
// choice, such as a fake one in tests). A task sleeps
// by awaiting the future:
//
//	t.sleep = task.Sleep(500 * time.Millisecond)
//	...
//	if _, ok := t.sleep.Poll(cx); !ok {
//		return struct{}{}, false // woken at the deadline
//	}
//
// The first poll that finds the timer not yet due puts it into the queue,
// a 4-ary min-heap by deadline, with the task's Waker; later polls only
// replace the Waker if it changed. The runner fires the queue: before
// every 64 polls and before idling, it calls Fire, which wakes the tasks
// whose deadlines have passed, in deadline order (equal deadlines in the
// order they were armed), each once. A sleeping task thus costs no CPU and
// no goroutine: 32 bytes for its Timer and a 24-byte heap entry (about 60
// bytes measured, BenchmarkTimerMemory). Timer.Cancel takes a timer out of
// the queue (the timer then never completes); Ticker.Stop ends the tick
// stream. Missed ticks are coalesced, as with time.Ticker. See Timers for
// the design (a heap rather than a timer wheel) and why it needs no lock:
// it belongs to its runner's goroutine.
//
// When nothing is runnable, a runner passes the queue's next deadline to the
// idle function, which sleeps until then or until an interrupt, whichever
// comes first: the kernel needs no periodic tick to keep the timers.
// ExampleSleep runs sleeping tasks with such an idle function.
//
// # Idle without lost wakes
//
// When none of its tasks is queued, a runner calls its IdleFunc with a
// queue-empty check and the next timer deadline. The kernel's idle
// disables interrupts, checks, and only if the queue is empty enables
// interrupts and halts in one step (sti; hlt) until an interrupt or the
// deadline, so a wake between the check and the halt cannot be lost; see
// IdleFunc. The default idle (a nil IdleFunc), park, blocks the runner's
// thread on its park word until a Wake, a Spawn, Stop or the deadline,
// through a WaitFunc: futex(2) on the host, and in the kernel a call that
// an interrupt also ends. The park word's protocol, and why no wake is
// lost between runners, is in idle.go (park); it is what the kernel's
// wait must keep.
//
// # Cost
//
// A wake made by a task of the same runner (the common case: one task
// passes work to another) takes the local path and makes no locked
// instruction. A wake from elsewhere makes two (the CAS of the state and
// the CAS of the run queue's head) and a load of the park word, and the
// runner two per batch it takes (the swap and a fence); a wake of a task
// already queued is a load. A wake of a parked runner adds a FUTEX_WAKE,
// once per park. See runqueue.go, local.go and idle.go.
// BenchmarkPingPong, two tasks waking each other, takes about 27 ns a
// round trip (two wakes and two polls) against 250 to 300 ns for two
// goroutines passing a token over unbuffered channels; the wake storm
// between three runners on two cores (task/storm) about 0.8 us a wake,
// most of it parking and unparking. Waking and polling allocate nothing.
package task
