package lint

import (
	"bytes"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/go-docker/go-docker/ladder/internal/names"
)

// rootCompose is what compose.yaml must keep of each service.
type rootCompose struct {
	Services map[string]struct {
		ReadOnly bool              `yaml:"read_only"`
		CapDrop  []string          `yaml:"cap_drop"`
		User     string            `yaml:"user"`
		Ports    []string          `yaml:"ports"`
		Labels   map[string]string `yaml:"labels"`
		Develop  *struct {
			Watch []struct {
				Action string `yaml:"action"`
				Path   string `yaml:"path"`
			} `yaml:"watch"`
		} `yaml:"develop"`
	} `yaml:"services"`
}

// compose.yaml runs the final image as make run does, in production's
// shape, reachable from this machine only, labelled for make distclean;
// its watch never looks at build outputs (out/), which would rebuild in a
// loop.
func TestComposeFileKeepsTheProductionShape(t *testing.T) {
	root := repoRoot(t)
	var c rootCompose
	if err := yaml.NewDecoder(bytes.NewReader([]byte(readFile(t, root, "compose.yaml")))).Decode(&c); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	for _, want := range []string{"app", "app-dev"} {
		s, ok := c.Services[want]
		if !ok {
			t.Errorf("compose.yaml has no service %s (make dev runs it)", want)
			continue
		}
		if !s.ReadOnly || strings.Join(s.CapDrop, ",") != "ALL" || s.User != "65532:65532" {
			t.Errorf("service %s: read_only %v, cap_drop %v, user %q: want true, [ALL], 65532:65532", want, s.ReadOnly, s.CapDrop, s.User)
		}
		for _, p := range s.Ports {
			if !strings.HasPrefix(p, "127.0.0.1:") {
				t.Errorf("service %s: port %q is published on every interface, want 127.0.0.1:", want, p)
			}
		}
		if s.Labels[names.ProjectLabel] != "true" {
			t.Errorf("service %s: no label %s=true, by which make distclean finds its containers", want, names.ProjectLabel)
		}
	}
	if app := c.Services["app"]; app.Develop == nil || len(app.Develop.Watch) == 0 {
		t.Error("service app has no develop.watch: docker compose up --watch would not rebuild")
	} else {
		for _, w := range app.Develop.Watch {
			if w.Action != "rebuild" || strings.Contains(w.Path, "out") {
				t.Errorf("service app watches %s with %s: want rebuild, and never out/", w.Path, w.Action)
			}
		}
	}
}
