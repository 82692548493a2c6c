package devloop

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/docker"
)

// Options are a loop's: where it serves, and what it tells.
type Options struct {
	Compose   *Compose
	Program   string // the main package: ./dependencies
	Port      string // on 127.0.0.1
	GoVersion string // final.Dockerfile's, to warn when this machine's differs
	Out       io.Writer
	// Event, when set, hears each step of the fast loop as it ends: make
	// dev-compare times the loop by it.
	Event func(Event)
}

// An Event is a step of the fast loop that just ended.
type Event struct {
	Step string // "watching", "changed", "compiled", "failed" or "restarted" (the signal sent)
	At   time.Time
	Err  error
}

func (o Options) event(step string, err error) {
	if o.Event != nil {
		o.Event(Event{Step: step, At: time.Now(), Err: err})
	}
}

// Fast is the fast loop: the production image runs the binary this
// machine compiles into out/dev/bin (mounted read-only at /app), and each
// saved edit compiles again and restarts the server on the new binary:
// devrun, the container's first process, starts it again on SIGHUP, so the
// container itself, its network and health check stay.
// The old binary serves while the new one compiles; a build that fails
// leaves it serving and prints the compiler's first message. It returns
// when ctx ends, the container removed.
func Fast(ctx context.Context, o Options) error {
	c := o.Compose
	arch, err := c.Docker.Output(ctx, "version", "--format", "{{.Server.Arch}}")
	if err != nil {
		return err
	}
	comp, err := NewCompiler(c.Root, o.Program, filepath.Join(c.Root, "out", "dev", "bin"), strings.TrimSpace(arch))
	if err != nil {
		return err
	}
	if w := GoVersionWarning(ctx, o.GoVersion); w != "" {
		fmt.Fprintln(o.Out, "dev: warning:", w)
	}
	if _, err := comp.Build(ctx); err != nil {
		return fmt.Errorf("the first build failed: %v", err)
	}
	if err := comp.BuildRunner(ctx); err != nil {
		return err
	}
	defer func() {
		if _, err := c.Run(context.WithoutCancel(ctx), "--profile", "dev", "down", "--remove-orphans", "--timeout", "10"); err != nil {
			fmt.Fprintln(o.Out, "dev: stopping:", err)
			return
		}
		fmt.Fprintln(o.Out, "dev: stopped; docker compose down removed the container and its network")
	}()
	if _, err := c.Run(ctx, "--profile", "dev", "up", "--detach", "--wait", "--wait-timeout", "60", "app-dev"); err != nil {
		return err
	}
	id, err := c.Run(ctx, "--profile", "dev", "ps", "--quiet", "app-dev")
	if err != nil {
		return err
	}
	ready := func() {
		o.event("watching", nil)
		fmt.Fprintf(o.Out, "dev: serving http://127.0.0.1:%s/ (the fast loop: each saved .go file is compiled here and the server restarted; Ctrl-C stops it)\n", o.Port)
	}
	return Watch(ctx, c.Root, ready, func(paths []string) {
		o.event("changed", nil)
		what := changedFiles(c.Root, paths)
		took, err := comp.Build(ctx)
		if err != nil {
			o.event("failed", err)
			fmt.Fprintf(o.Out, "dev: %s: compile error: %v (the last good build still serves)\n", what, err)
			return
		}
		o.event("compiled", nil)
		if err := Restart(ctx, c.Docker, strings.TrimSpace(id)); err != nil {
			fmt.Fprintf(o.Out, "dev: %s: compiled, but the server could not be restarted: %v\n", what, err)
			return
		}
		o.event("restarted", nil)
		fmt.Fprintf(o.Out, "dev: %s: compiled in %.2f s; the server restarts on it\n", what, took.Seconds())
	})
}

// Restart has the container's devrun start the server again, on the new
// binary: SIGTERM to the old process, which finishes its requests, then the
// new one. A restart of the container would cost about 0.3 s more.
func Restart(ctx context.Context, d docker.Docker, container string) error {
	_, err := d.Output(ctx, "kill", "--signal", "HUP", container)
	return err
}

// Image is the image loop: Compose's own watch (`docker compose up
// --watch`) rebuilds final.Dockerfile on each saved edit and replaces the
// container. It needs no Go here. It returns when ctx ends, the container
// removed.
func Image(ctx context.Context, o Options) error {
	c := o.Compose
	defer c.Run(context.WithoutCancel(ctx), "down", "--remove-orphans", "--timeout", "10")
	fmt.Fprintf(o.Out, "dev: docker compose up --build --watch app: serving http://127.0.0.1:%s/ once built (the image loop: each saved edit rebuilds the image; Ctrl-C stops it)\n", o.Port)
	cmd := c.Command(context.WithoutCancel(ctx), "up", "--build", "--watch", "app")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() {
		relay(out, o)
		done <- cmd.Wait()
	}()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("docker compose up --watch: %v", err)
		}
		return nil
	case <-ctx.Done():
		// As Ctrl-C in a terminal: Compose stops the containers.
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
		}
		return nil
	}
}

// relay copies Compose's output, and after "Build failed" says in one line
// which compile error it was (Compose's own line names only the failed
// step). It tells o.Event what Compose did, as it happens: "changed"
// (Compose noticed), "compiled" (built), "failed".
func relay(r io.Reader, o Options) {
	sc := bufio.NewScanner(r)
	var recent []string
	for sc.Scan() {
		line := sc.Text()
		fmt.Fprintln(o.Out, line)
		switch {
		case strings.Contains(line, "Watch enabled"):
			o.event("watching", nil)
		case strings.Contains(line, "after changes were detected"):
			o.event("changed", nil)
			recent = recent[:0]
		case strings.Contains(line, "successfully built"):
			o.event("compiled", nil)
		case strings.Contains(line, "Build failed"):
			msg := FirstError(strings.Join(recent, "\n"), errors.New("the build failed"))
			o.event("failed", errors.New(msg))
			fmt.Fprintf(o.Out, "dev: compile error: %s (the running container still serves)\n", msg)
		default:
			if len(recent) < 2000 {
				recent = append(recent, stripStep(line))
			}
		}
	}
}

// buildStep is BuildKit's plain-progress prefix of a step's output line.
var buildStep = regexp.MustCompile(`^(\S+\s+\|\s+)?#\d+ \d+\.\d+ `)

// stripStep leaves a build output line as the command wrote it.
func stripStep(line string) string { return buildStep.ReplaceAllString(line, "") }

// changedFiles are the changed files, relative to root, for one line.
func changedFiles(root string, paths []string) string {
	rel := make([]string, len(paths))
	for i, p := range paths {
		if r, err := filepath.Rel(root, p); err == nil {
			p = r
		}
		rel[i] = p
	}
	return strings.Join(rel, ", ")
}
