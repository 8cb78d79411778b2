package task

// Spawner is a handle for spawning tasks on an executor without the rest
// of its API: give it to tasks that start other tasks. The zero Spawner
// must not be used.
type Spawner struct {
	e *Executor
}

// Spawner returns a Spawner for e.
func (e *Executor) Spawner() Spawner { return Spawner{e} }

// Spawn is Executor.Spawn.
func (s Spawner) Spawn(f Future[struct{}]) (TaskID, error) { return s.e.Spawn(f) }

// SpawnNamed is Executor.SpawnNamed.
func (s Spawner) SpawnNamed(name string, f Future[struct{}]) (TaskID, error) {
	return s.e.SpawnNamed(name, f)
}

// SpawnOn is Executor.SpawnOn.
func (s Spawner) SpawnOn(runner int, name string, f Future[struct{}]) (TaskID, error) {
	return s.e.SpawnOn(runner, name, f)
}
