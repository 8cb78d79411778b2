package task

import (
	"errors"
	"fmt"
)

// Errors of Spawn, Run and NewExecutor.
var (
	ErrStopped      = errors.New("task: executor stopped")
	ErrRunning      = errors.New("task: executor already running")
	ErrTooManyTasks = errors.New("task: task limit reached")
	ErrNilFuture    = errors.New("task: nil future")
	ErrMaxTasks     = fmt.Errorf("task: task limit must be between 1 and %d", MaxTasks)
	ErrRunners      = fmt.Errorf("task: number of runners must be between 1 and %d", MaxRunners)
	ErrNoRunner     = errors.New("task: no such runner")
	ErrSharedTimers = errors.New("task: SetTimers needs an executor of one runner")
)
