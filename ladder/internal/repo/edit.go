package repo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/names"
)

// A measurement edits a throwaway copy (see Copy), never the reader's tree.

// NewRunID returns a short id that names one run's tags and cache ids.
func NewRunID() string { return fmt.Sprintf("%x", time.Now().UnixNano()&0xffffffff) }

// ScopeCacheIDs gives every cache mount of a Dockerfile an id that starts
// with scope instead of names.CacheIDPrefix ("go-docker-"): empty mounts of
// its own, so a build neither uses nor replaces the reader's
// go-docker-gomod and go-docker-gocache. A scope that starts with
// names.CacheIDPrefix keeps the mounts the project's, for make distclean.
func ScopeCacheIDs(dockerfile, scope string) string {
	return strings.ReplaceAll(dockerfile, "id="+names.CacheIDPrefix, "id="+scope)
}

// ScopeDockerfile rewrites a Dockerfile's cache-mount ids to start with
// scope (see ScopeCacheIDs).
func ScopeDockerfile(path, scope string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte(ScopeCacheIDs(string(b), scope)), 0o644)
}

// EditGreeting changes the greeting line of a program's main.go ("Hello,
// ...!") to one that names tag, so no earlier build can have cached it.
func EditGreeting(path, tag string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	lines := strings.Split(string(b), "\n")
	for i, l := range lines {
		j := strings.Index(l, "Hello, ")
		if j < 0 {
			continue
		}
		k := strings.Index(l[j:], "!")
		if k < 0 {
			break
		}
		lines[i] = l[:j] + "Hello, " + tag + l[j+k:]
		return os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644)
	}
	return errors.New(path + ": no greeting line to edit")
}

// Head is the commit checked out in dir.
func Head(ctx context.Context, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "HEAD").Output()
	if err != nil {
		return "", fmt.Errorf("git rev-parse HEAD in %s: %v", dir, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// CommitTime is the time of dir's last commit, in seconds since 1970: the
// SOURCE_DATE_EPOCH that make final uses.
func CommitTime(ctx context.Context, dir string) (int64, error) {
	out, err := exec.CommandContext(ctx, "git", "-C", dir, "log", "-1", "--format=%ct").Output()
	if err != nil {
		return 0, fmt.Errorf("git log in %s: %w", dir, err)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("git log in %s: %w", dir, err)
	}
	return n, nil
}
