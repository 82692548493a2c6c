package devloop

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/docker"
)

func TestFirstErrorIsTheCompilersLine(t *testing.T) {
	out := "# github.com/x/dependencies\ndependencies/main.go:208:14: syntax error: unexpected {, expected )\ndependencies/main.go:210:1: another\n"
	if got := FirstError(out, errors.New("exit status 1")); got != "dependencies/main.go:208:14: syntax error: unexpected {, expected )" {
		t.Errorf("FirstError: %q", got)
	}
	if got := FirstError("go: downloading x\ngo: x: no such module\n", errors.New("exit status 1")); got != "go: x: no such module" {
		t.Errorf("FirstError without a compiler line: %q, want the last line", got)
	}
	if got := FirstError("", errors.New("exit status 2")); got != "exit status 2" {
		t.Errorf("FirstError of no output: %q", got)
	}
}

func TestSourceIsWhatGoBuildReads(t *testing.T) {
	for path, want := range map[string]bool{"a/main.go": true, "go.mod": true, "x/go.sum": true, "README.md": false, "out/dev/bin/server": false, "main.go~": false} {
		if Source(path) != want {
			t.Errorf("Source(%q) = %v, want %v", path, !want, want)
		}
	}
}

func TestPartsFromEvents(t *testing.T) {
	t0 := time.Unix(100, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	parts := partsFrom(t0, map[string]time.Time{"changed": at(20), "compiled": at(520), "restarted": at(560)},
		[]string{"changed", "compiled", "restarted"}, []string{"watcher wait", "compile", "restart", "first answer"}, 0.575)
	want := map[string]float64{"watcher wait": 0.02, "compile": 0.5, "restart": 0.04, "first answer": 0.015}
	for k, v := range want {
		if d := parts[k] - v; d > 1e-9 || d < -1e-9 {
			t.Errorf("part %s = %.3f, want %.3f (all: %v)", k, parts[k], v, parts)
		}
	}
}

func TestComposeArgsAddTheStandInsFileOnlyWhenGiven(t *testing.T) {
	c := NewCompose(docker.Docker{}, "/r", "p", nil, "")
	if got := strings.Join(c.Args("up"), " "); got != "compose --project-directory /r -f /r/compose.yaml -p p up" {
		t.Errorf("without stand-ins: %s", got)
	}
	c = NewCompose(docker.Docker{}, "/r", "", nil, "/r/offline/compose-go1.26-alpine3.23.yaml")
	if got := strings.Join(c.Args("up"), " "); got != "compose --project-directory /r -f /r/compose.yaml -f /r/offline/compose-go1.26-alpine3.23.yaml up" {
		t.Errorf("with stand-ins: %s", got)
	}
}

func TestSummarizeGivesRatiosToNative(t *testing.T) {
	loops := []LoopReport{
		{Name: "native", Mode: "direct", samples: []Sample{{Serving: 0.5}, {Serving: 0.6}, {Serving: 0.4}}},
		{Name: "fast loop", Mode: "watcher", samples: []Sample{{Serving: 0.6, Healthy: 0.7, Parts: map[string]float64{"compile": 0.5}}}},
	}
	Summarize(loops)
	if loops[1].XNative != 1.2 || loops[1].Healthy == nil || loops[1].PartS["compile"].Median != 0.5 {
		t.Errorf("fast loop: × native %v, healthy %v, parts %v", loops[1].XNative, loops[1].Healthy, loops[1].PartS)
	}
	if loops[0].Healthy != nil {
		t.Error("native has no health check, but got an edit → healthy")
	}
}
