package devloop

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/measure"
)

// A Compiler builds the program for the engine's Linux, with the flags of
// the production rung (read from its Dockerfile), into a folder the
// container mounts.
type Compiler struct {
	Root    string // the repository
	Program string // the main package, such as ./dependencies
	Out     string // the folder: it receives "server"
	Arch    string // GOARCH of the engine
	flags   []string
}

// NewCompiler reads the production rung's go build flags.
func NewCompiler(root, program, out, arch string) (*Compiler, error) {
	flags, err := measure.NativeFlags(root)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	return &Compiler{Root: root, Program: program, Out: out, Arch: arch, flags: flags}, nil
}

// Binary is the path of the last good build.
func (c *Compiler) Binary() string { return filepath.Join(c.Out, "server") }

// Build compiles into a file of its own, then renames it over the last
// good build: the container never sees half a binary, and a failed build
// leaves the last good one in place. The error is the compiler's first
// message, one line.
func (c *Compiler) Build(ctx context.Context) (time.Duration, error) {
	tmp := c.Binary() + ".new"
	args := append(append([]string{"build"}, c.flags...), "-o", tmp, c.Program)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = c.Root
	// -mod=readonly: a build never rewrites go.mod or go.sum, which the
	// watcher watches; a missing requirement is a compile error to fix.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+c.Arch, "GOFLAGS=-mod=readonly")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	took := time.Since(start)
	if err != nil {
		os.Remove(tmp)
		return took, fmt.Errorf("%s", FirstError(string(out), err))
	}
	return took, os.Rename(tmp, c.Binary())
}

// BuildRunner compiles devrun (ladder/cmd/devrun), the container's PID 1
// that restarts the server on SIGHUP, beside the server.
func (c *Compiler) BuildRunner(ctx context.Context) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(c.Out, "devrun"), "./cmd/devrun")
	cmd.Dir = filepath.Join(c.Root, "ladder")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+c.Arch)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building devrun: %s", FirstError(string(out), err))
	}
	return nil
}

// compileError is a compiler message: file:line:col: text.
var compileError = regexp.MustCompile(`(?m)^\S+\.go:\d+(:\d+)?: .*$`)

// FirstError is the first compiler message in go build's output, or its
// last line when there is none (a module that cannot be downloaded, say).
func FirstError(out string, err error) string {
	if m := compileError.FindString(out); m != "" {
		return m
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if last := strings.TrimSpace(lines[len(lines)-1]); last != "" {
		return last
	}
	return err.Error()
}

// GoVersionWarning says, when it differs, that this machine's Go is not
// the one the Dockerfile builds with: the fast loop runs what the first
// compiles, so a difference the image would not have can show.
func GoVersionWarning(ctx context.Context, want string) string {
	out, err := exec.CommandContext(ctx, "go", "env", "GOVERSION").Output()
	if err != nil {
		return "no go command: the fast loop compiles on this machine (install Go " + want + ", or use LOOP=image)"
	}
	have := strings.TrimPrefix(strings.TrimSpace(string(out)), "go")
	if have == want || strings.HasPrefix(have, want+".") {
		return ""
	}
	return fmt.Sprintf("this machine's Go is %s and final.Dockerfile's %s: the fast loop runs what Go %s compiles", have, want, have)
}
