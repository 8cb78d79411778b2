package task

import (
	"errors"
	"strconv"
)

// Errors of Spawn, Run and NewExecutor. (strconv, not fmt.Errorf: these
// are built at every boot before "go: runtime up", where fmt's first use
// costs about a millisecond of TCG time.)
var (
	ErrStopped      = errors.New("task: executor stopped")
	ErrRunning      = errors.New("task: executor already running")
	ErrTooManyTasks = errors.New("task: task limit reached")
	ErrNilFuture    = errors.New("task: nil future")
	ErrMaxTasks     = errors.New("task: task limit must be between 1 and " + strconv.Itoa(MaxTasks))
	ErrRunners      = errors.New("task: number of runners must be between 1 and " + strconv.Itoa(MaxRunners))
	ErrNoRunner     = errors.New("task: no such runner")
	ErrSharedTimers = errors.New("task: SetTimers needs an executor of one runner")
)
