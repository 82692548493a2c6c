//go:build e2e

package e2e

// make run: it serves a rung on 127.0.0.1:PORT until Ctrl-C, which stops
// and removes the container; bad input is one line and exit 2.

import (
	"bytes"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/devloop"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

func TestMakeRunServesUntilInterrupted(t *testing.T) {
	ctx := engine(t)
	buildLadder(t)
	port, err := devloop.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("make", "-s", "run", "RUNG=final", "IMAGE_PREFIX="+imagePrefix, "PORT="+port)
	cmd.Dir = repoRoot(t)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })

	url := "http://127.0.0.1:" + port + "/healthz"
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil && resp.StatusCode == http.StatusOK {
			resp.Body.Close()
			break
		}
		if err == nil {
			resp.Body.Close()
		}
		select {
		case err := <-done:
			t.Fatalf("make run ended before serving (%v):\n%s", err, out.String())
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("make run: no 200 from %s within 60 s:\n%s", url, out.String())
		}
	}
	if want := "serving " + imagePrefix + "final on http://127.0.0.1:" + port + "/"; !strings.HasPrefix(out.String(), want) {
		t.Errorf("make run printed %q, want it to start with %q", out.String(), want)
	}

	// Ctrl-C: the terminal sends SIGINT to the whole foreground group.
	syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("make run still running 30 s after SIGINT:\n%s", out.String())
	}
	if left, err := docker.Output(ctx, "ps", "-aq", "--filter", "publish="+port); err != nil || strings.TrimSpace(left) != "" {
		t.Errorf("after Ctrl-C a container still publishes port %s (%q, %v): want it stopped and removed (--rm)", port, left, err)
	}
}

func TestMakeRunRejectsBadInput(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		skipOrFailInCI(t, "make is not installed")
	}
	tests := []struct {
		name string
		args []string
		want []string // all of these in the first line
	}{
		{"unknown rung", []string{"RUNG=no-such-rung"}, append([]string{"no-such-rung"}, repo.Names(rungs)...)},
		{"port not a number", []string{"PORT=abc"}, []string{"invalid PORT 'abc'", "1 to 65535"}},
		{"port too large", []string{"PORT=70000"}, []string{"invalid PORT '70000'"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command("make", append([]string{"-s", "run"}, tt.args...)...)
			cmd.Dir = repoRoot(t)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("make run %v: succeeded, want an error; output: %s", tt.args, out)
			}
			first := strings.SplitN(string(out), "\n", 2)[0]
			for _, want := range tt.want {
				if !strings.Contains(first, want) {
					t.Errorf("first line %q: want it to contain %q", first, want)
				}
			}
		})
	}
}
