package measure

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-docker/go-docker/ladder/internal/peers"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

// prepareCopy copies the repository to dir with a .git (make final dates
// the image by its last commit) and records the Dockerfiles so setScope can
// rewrite their cache ids.
func (m *measurer) prepareCopy(dir string) error {
	if err := repo.Copy(m.Repo, dir); err != nil {
		return fmt.Errorf("copying the repository: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".git")); err != nil {
		// A tree without history (say, from an archive): give it one, as
		// every real project has.
		for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}, {"-c", "user.name=compare", "-c", "user.email=compare@localhost", "commit", "-qm", "snapshot"}} {
			if out, err := exec.CommandContext(m.ctx, "git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
				return fmt.Errorf("git %s: %v: %s", args[0], err, out)
			}
		}
	}
	// make's set-up, once and untimed: the first timed `make <rung>`
	// would otherwise include it.
	if err := m.makeIn(dir, "setup"); err != nil {
		return err
	}
	m.dockerfiles = map[string]string{}
	for _, r := range m.Rungs {
		b, err := os.ReadFile(filepath.Join(dir, r.Dockerfile))
		if err != nil {
			return err
		}
		m.dockerfiles[r.Dockerfile] = string(b)
	}
	return nil
}

// setScope rewrites every cache-mount id in the copy's Dockerfiles to start
// with scope: new ids are empty cache mounts, and the reader's own
// go-docker-gomod and go-docker-gocache are never used or emptied.
func (m *measurer) setScope(scope string) error {
	for rel, orig := range m.dockerfiles {
		if err := os.WriteFile(filepath.Join(m.dir, rel), []byte(repo.ScopeCacheIDs(orig, scope)), 0o644); err != nil {
			return err
		}
	}
	for _, p := range m.peers {
		if err := p.Scope(scope); err != nil {
			return err
		}
	}
	return nil
}

// programs lists the Go packages the measured rungs build, in ladder
// order, and the one the peers build.
func (m *measurer) programs() []string {
	var ps []string
	for _, r := range m.Rungs {
		if !slices.Contains(ps, r.Program) {
			ps = append(ps, r.Program)
		}
	}
	if len(m.Peers) > 0 && !slices.Contains(ps, peers.Program) {
		ps = append(ps, peers.Program)
	}
	return ps
}

// editProgram changes one line of program/main.go, differently each time.
func (m *measurer) editProgram(program string) error {
	m.editN++
	return repo.EditGreeting(filepath.Join(m.dir, program, "main.go"), fmt.Sprintf("compare %s-%d", m.runID, m.editN))
}

// addDependency adds DepModule at version to the copy's go.mod and go.sum
// and uses it from every measured program.
func (m *measurer) addDependency(version string) error {
	m.say(DepModule+"@"+version, "dep", 0, 0, "added to go.mod")
	for _, p := range m.programs() {
		src := "package main\n\n// Added by make compare's dep scenario.\nimport \"github.com/google/uuid\"\n\nvar _ = uuid.NewString\n"
		if err := os.WriteFile(filepath.Join(m.dir, p, "compare_dep.go"), []byte(src), 0o644); err != nil {
			return err
		}
	}
	for _, args := range [][]string{{"get", DepModule + "@" + version}, {"mod", "tidy"}} {
		cmd := exec.CommandContext(m.ctx, "go", args...)
		cmd.Dir = m.dir
		cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
		}
	}
	return nil
}
