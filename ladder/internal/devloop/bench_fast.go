package devloop

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// container is the name Compose gives a service's one container.
func (b *Bench) container(service string) string { return b.Project + "-" + service + "-1" }

// FastDirect is the fast loop's commands run from the write on: go build
// for the engine's Linux, docker kill -s HUP (the server restarts in the
// container), first 200.
func (b *Bench) FastDirect() (LoopReport, error) {
	l := LoopReport{Name: "fast loop", Mode: "direct", Parts: []string{"compile", "restart", "first answer"}, hasCheck: true,
		Summary: "go build here for the engine's Linux into a folder the container mounts, then the server restarted in it (SIGHUP to devrun)"}
	arch, err := b.Docker.Output(b.Ctx, "version", "--format", "{{.Server.Arch}}")
	if err != nil {
		return l, err
	}
	comp, err := NewCompiler(b.Dir, "./dependencies", filepath.Join(b.Dir, "out", "dev", "bin"), strings.TrimSpace(arch))
	if err != nil {
		return l, err
	}
	if _, err := comp.Build(b.Ctx); err != nil {
		return l, err
	}
	if err := comp.BuildRunner(b.Ctx); err != nil {
		return l, err
	}
	defer b.compose.Run(context.WithoutCancel(b.Ctx), "--profile", "dev", "down", "--remove-orphans")
	if _, err := b.compose.Run(b.Ctx, "--profile", "dev", "up", "--detach", "--wait", "app-dev"); err != nil {
		return l, err
	}
	name := b.container("app-dev")
	err = b.loop(&l, func() (Sample, error) {
		marker, t0, err := b.edit()
		if err != nil {
			return Sample{}, err
		}
		if _, err := comp.Build(b.Ctx); err != nil {
			return Sample{}, err
		}
		t1 := time.Now()
		if err := Restart(b.Ctx, b.Docker, name); err != nil {
			return Sample{}, err
		}
		t2 := time.Now()
		return b.served(name, marker, t0, time.Time{}, l.Parts, t1, t2)
	})
	return l, err
}

// served waits for the marker and the container's health, and makes the
// sample. parts are the loop's, in order: parts[i] ends at ends[i] and the
// last ends when the marker came; without parts the sample has none yet.
// startedAfter is when the new container started at the earliest; zero for
// the fast loop, which keeps its container: then the image's health check
// is run in it (CheckHealth).
func (b *Bench) served(container, marker string, t0, startedAfter time.Time, parts []string, ends ...time.Time) (Sample, error) {
	t3, err := WaitServing(b.Ctx, b.port, marker, 120*time.Second)
	if err != nil {
		return Sample{}, err
	}
	s := Sample{Serving: since(t0, t3)}
	if container != "" {
		var t4 time.Time
		if startedAfter.IsZero() {
			t4, err = CheckHealth(b.Ctx, b.Docker, container, 60*time.Second)
		} else {
			t4, err = WaitHealthy(b.Ctx, b.Docker, container, startedAfter, 60*time.Second)
		}
		if err != nil {
			return Sample{}, err
		}
		s.Healthy = since(t0, t4)
	}
	if parts != nil {
		s.Parts = map[string]float64{}
		prev := t0
		for i, part := range parts {
			end := t3
			if i < len(ends) {
				end = ends[i]
			}
			s.Parts[part] = since(prev, end)
			prev = end
		}
	}
	return s, nil
}

// events collects a loop's events, for one edit at a time.
type events struct {
	mu   sync.Mutex
	seen map[string]time.Time
}

func (e *events) hear(ev Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.seen == nil {
		e.seen = map[string]time.Time{}
	}
	if _, ok := e.seen[ev.Step]; !ok {
		e.seen[ev.Step] = ev.At
	}
}

// wait waits until step was heard; it fails when the loop ended first, or
// after limit.
func (e *events) wait(step string, r *running, limit time.Duration) error {
	deadline := time.After(limit)
	for {
		e.mu.Lock()
		_, ok := e.seen[step]
		e.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-r.finished:
			return fmt.Errorf("the loop ended before %s: %v", step, r.err)
		case <-deadline:
			return fmt.Errorf("no %s within %s", step, limit)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// take returns what was heard since the last take, and forgets it.
func (e *events) take() map[string]time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.seen
	e.seen = nil
	return s
}

// FastWatcher is make dev itself (the fast loop, in this process): the
// watcher notices the write, compiles, restarts.
func (b *Bench) FastWatcher() (LoopReport, error) {
	l := LoopReport{Name: "fast loop", Mode: "watcher", Parts: []string{"watcher wait", "compile", "restart", "first answer"}, hasCheck: true,
		Summary: "make dev: file events (fsnotify), then the same compile and restart"}
	err := b.watched(&l, b.container("app-dev"), false, func(ctx context.Context, hear func(Event)) error {
		return Fast(ctx, Options{Compose: b.compose, Program: "./dependencies", Port: b.port, GoVersion: b.GoVersion, Out: b.Log, Event: hear})
	}, 2*time.Minute, "changed", "compiled", "restarted")
	return l, err
}

// watched times one of make dev's loops, which watch the files themselves:
// run starts it in the background, telling hear each step. steps are the
// events that end each of l.Parts but the last, which ends when the marker
// answers. newContainer: the loop replaces its container, whose health
// status then tells; otherwise the image's health check is run in it.
// buildLimit bounds each build.
func (b *Bench) watched(l *LoopReport, container string, newContainer bool, run func(ctx context.Context, hear func(Event)) error,
	buildLimit time.Duration, steps ...string) error {
	var ev events
	marker0, _, err := b.edit() // what the loop's first build serves
	if err != nil {
		return err
	}
	r := b.start(func(ctx context.Context) error { return run(ctx, ev.hear) })
	defer r.stop()
	if err := ev.wait("watching", r, 5*time.Minute); err != nil {
		return err
	}
	if err := b.ready(marker0); err != nil {
		return err
	}
	return b.loop(l, func() (Sample, error) {
		ev.take()
		marker, t0, err := b.edit()
		if err != nil {
			return Sample{}, err
		}
		// No answer can carry the marker before the build is done: the
		// probe starts then, and does not take the build's CPU.
		if err := ev.wait("compiled", r, buildLimit); err != nil {
			return Sample{}, err
		}
		var startedAfter time.Time
		if newContainer {
			startedAfter = t0
		}
		s, err := b.served(container, marker, t0, startedAfter, nil)
		s.Parts = partsFrom(t0, ev.take(), steps, l.Parts, s.Serving)
		return s, err
	})
}

// partsFrom turns the events' times into parts: names[i] from the
// previous event (t0 first) to steps[i]; the last name the rest of serving.
func partsFrom(t0 time.Time, seen map[string]time.Time, steps, names []string, serving float64) map[string]float64 {
	parts := map[string]float64{}
	prev := t0
	for i, step := range steps {
		at, ok := seen[step]
		if !ok {
			continue
		}
		parts[names[i]] = since(prev, at)
		prev = at
	}
	parts[names[len(names)-1]] = serving - since(t0, prev)
	return parts
}

// ready waits until a loop that watches serves marker, its first build.
func (b *Bench) ready(marker string) error {
	_, err := WaitServing(b.Ctx, b.port, marker, time.Minute)
	return err
}

// A running loop, started in the background by start; stop ends it and
// waits for it, once.
type running struct {
	finished chan struct{}
	err      error
	cancel   context.CancelFunc
}

func (b *Bench) start(loop func(ctx context.Context) error) *running {
	ctx, cancel := context.WithCancel(b.Ctx)
	r := &running{finished: make(chan struct{}), cancel: cancel}
	go func() {
		r.err = loop(ctx)
		close(r.finished)
	}()
	return r
}

func (r *running) stop() {
	r.cancel()
	<-r.finished
}
