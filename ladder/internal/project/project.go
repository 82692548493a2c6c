// Package project opens the go-docker repository the way every command
// of ladder/cmd (and the end-to-end tests) starts: it finds the
// repository's root, checks that a Docker engine answers, and reads the
// base flags offline/setup.sh wrote, if any. It also names the images the
// demos run: the official ones, or their stand-ins. It runs no script and
// builds or pulls nothing: the make targets that run the commands set all
// of that up first (make setup and its setup-* targets).
package project

import (
	"context"

	"github.com/go-docker/go-docker/ladder/internal/cli"
	"github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

// The base-image versions a command uses when it is given none, as the
// Makefile's GO_VERSION and ALPINE_VERSION (a unit test keeps them equal
// to .github/base-images/Dockerfile's).
const (
	DefaultGoVersion     = "1.26"
	DefaultAlpineVersion = "3.23"
)

// Options say which repository to open, and how.
type Options struct {
	Repo   string // the repository, or a folder inside it
	Docker string // the docker CLI; empty: docker
	// GoVersion and AlpineVersion select the base images (empty: the
	// defaults), and with them the file of base flags.
	GoVersion, AlpineVersion string
	// Check, if set, runs once the root is found and before the engine is
	// asked: a command's checks of its flags against the repository (the
	// rung names of compare's -rungs), so that bad input fails as bad
	// input where no engine runs.
	Check func(root string) error
}

// A Project is an opened repository: its root, and a docker client that
// talks to an engine that answers and builds with the base flags.
type Project struct {
	Root   string
	Docker docker.Docker
	// The base-image versions in use, defaults filled in.
	GoVersion, AlpineVersion string
}

// Open opens the repository: a folder outside it is bad input (a usage
// error, exit code 2); no engine, or a base-flags file without its line,
// is an error of one line that names the fix.
func Open(ctx context.Context, o Options) (*Project, error) {
	root, err := repo.Root(o.Repo)
	if err != nil {
		return nil, cli.Usage(err)
	}
	if o.Check != nil {
		if err := o.Check(root); err != nil {
			return nil, err
		}
	}
	p := &Project{Root: root, Docker: docker.Docker{Bin: o.Docker},
		GoVersion: or(o.GoVersion, DefaultGoVersion), AlpineVersion: or(o.AlpineVersion, DefaultAlpineVersion)}
	if err := p.Docker.Ping(ctx); err != nil {
		return nil, err
	}
	if p.Docker.BaseFlags, err = LoadBaseFlags(root, p.GoVersion, p.AlpineVersion); err != nil {
		return nil, err
	}
	return p, nil
}

// or is v, or def when v is empty.
func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
