package lint

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/repo"
	"go.yaml.in/yaml/v3"
)

// composeFile is the part of the Compose specification the example in
// docs/your-service.md uses; decoding with KnownFields rejects any other
// key, so a typo ("depends-on") fails here instead of being ignored.
type composeFile struct {
	Services map[string]struct {
		Build *struct {
			Context    string            `yaml:"context"`
			Dockerfile string            `yaml:"dockerfile"`
			Target     string            `yaml:"target"`
			Args       map[string]string `yaml:"args"`
		} `yaml:"build"`
		Image     string   `yaml:"image"`
		Command   []string `yaml:"command"`
		ReadOnly  bool     `yaml:"read_only"`
		CapDrop   []string `yaml:"cap_drop"`
		Ports     []string `yaml:"ports"`
		DependsOn map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
	} `yaml:"services"`
}

// The Compose example builds final.Dockerfile: its target and build
// arguments must exist there, its ports stay on the loopback interface,
// and the service that waits does so on a health check the image has.
func TestComposeExampleIsValid(t *testing.T) {
	root, rungs := catalogue(t)
	doc := readFile(t, root, "docs/your-service.md")
	m := regexp.MustCompile("(?s)<!-- compose -->\n```yaml\n(.*?)```\n<!-- /compose -->").FindStringSubmatch(doc)
	if m == nil {
		t.Fatal("docs/your-service.md has no <!-- compose --> yaml block")
	}
	var c composeFile
	dec := yaml.NewDecoder(bytes.NewReader([]byte(m[1])))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("the Compose example: %v", err)
	}
	final := readFile(t, root, repo.Production(rungs).Dockerfile)
	built, waits := 0, 0
	for name, s := range c.Services {
		if (s.Build == nil) == (s.Image == "") {
			t.Errorf("service %s: want exactly one of build and image", name)
		}
		if b := s.Build; b != nil {
			built++
			if !strings.Contains(final, " AS "+b.Target+"\n") {
				t.Errorf("service %s: target %q is no stage of %s", name, b.Target, repo.Production(rungs).Dockerfile)
			}
			for arg := range b.Args {
				if !regexp.MustCompile(`(?m)^ARG (.* )?` + arg + `(=|\s|$)`).MatchString(final) {
					t.Errorf("service %s: build arg %s is not declared in %s", name, arg, repo.Production(rungs).Dockerfile)
				}
			}
			if !strings.Contains(final, "\nHEALTHCHECK ") {
				t.Errorf("service %s: the image has no HEALTHCHECK for service_healthy to wait on", name)
			}
		}
		for _, p := range s.Ports {
			if !strings.HasPrefix(p, "127.0.0.1:") {
				t.Errorf("service %s: port %q is published on every interface, want 127.0.0.1:", name, p)
			}
		}
		for dep, d := range s.DependsOn {
			waits++
			if _, ok := c.Services[dep]; !ok {
				t.Errorf("service %s depends on %s, which is not a service", name, dep)
			}
			if !slices.Contains([]string{"service_started", "service_healthy", "service_completed_successfully"}, d.Condition) {
				t.Errorf("service %s: depends_on condition %q is not one Compose knows", name, d.Condition)
			}
		}
	}
	if built == 0 || waits == 0 {
		t.Errorf("the example has %d built services and %d depends_on entries, want at least one of each", built, waits)
	}
}
