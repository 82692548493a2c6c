package measure

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// say prints one line of progress.
func (m *measurer) say(subject, scenario string, run, runs int, extra string) {
	if m.Progress == nil {
		return
	}
	el := time.Since(m.start).Round(time.Second)
	if run > 0 {
		fmt.Fprintf(m.Progress, "compare [%s] %-12s %-5s run %d/%d %s\n", el, subject, scenario, run, runs, extra)
	} else {
		fmt.Fprintf(m.Progress, "compare [%s] %s %s %s\n", el, subject, scenario, extra)
	}
}

func (m *measurer) logFile(subject, scenario string, run int) string {
	return filepath.Join(m.logs, fmt.Sprintf("%s-%s-%d.log", subject, scenario, run))
}

// environment records the machine and tools the report was measured with.
func (m *measurer) environment() (Environment, error) {
	env := Environment{CPUs: runtime.NumCPU(), Go: runtime.Version()}
	out, err := m.Docker.Output(m.ctx, "version", "--format", "{{json .}}")
	if err != nil {
		return env, err
	}
	var v struct {
		Client struct{ Version, Os, Arch string }
		Server struct{ Version, Os, Arch string }
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		return env, fmt.Errorf("parsing docker version: %w", err)
	}
	env.DockerClient, env.DockerServer = v.Client.Version, v.Server.Version
	env.OSArch = v.Server.Os + "/" + v.Server.Arch
	if goOut, err := exec.CommandContext(m.ctx, "go", "env", "GOVERSION").Output(); err == nil {
		env.Go = strings.TrimSpace(string(goOut))
	}
	if bk, err := m.Docker.Output(m.ctx, "buildx", "inspect"); err == nil {
		env.BuildKit = ParseBuildKitVersion(bk)
	}
	env.StandInBases = m.Docker.StandInBases()
	return env, nil
}

// ParseBuildKitVersion reads the BuildKit version from `docker buildx inspect`.
func ParseBuildKitVersion(out string) string {
	for _, l := range strings.Split(out, "\n") {
		k, v, ok := strings.Cut(l, ":")
		if ok && (strings.TrimSpace(k) == "BuildKit version" || strings.TrimSpace(k) == "Buildkit") {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// cleanup removes the images this run tagged and the build cache records it
// created (its cache mounts above all), and nothing else.
func (m *measurer) cleanup(before map[string]bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var refs []string
	for _, p := range m.peers {
		refs = append(refs, p.Refs()...)
	}
	for _, r := range m.Rungs {
		refs = append(refs, m.rungTag(r))
	}
	for _, ref := range refs {
		m.Docker.Output(ctx, "image", "rm", ref)
	}
	// Only images no tag names any more: the final rung is reproducible,
	// so its image here is often the very image of the reader's
	// go-docker-final, and `docker image rm ID` deletes an image with one
	// tag left, that tag included.
	for id := range m.images {
		if tags, err := m.Docker.Output(ctx, "image", "inspect", "--format", "{{len .RepoTags}}", id); err == nil && strings.TrimSpace(tags) == "0" {
			m.Docker.Output(ctx, "image", "rm", id)
		}
	}
	if before == nil {
		return
	}
	m.Docker.PruneCacheSince(ctx, before)
}
