package lint

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/repo"
)

// catalogue returns the repository root and its rungs.
func catalogue(t *testing.T) (string, []repo.Rung) {
	t.Helper()
	root, err := repo.Root(".")
	if err != nil {
		t.Fatal(err)
	}
	rungs, err := repo.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	return root, rungs
}

// readFile returns a file of the repository, by its path from the root.
func readFile(t *testing.T, root, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// dockerfiles lists the rungs' Dockerfiles, relative to the root.
func dockerfiles(rungs []repo.Rung) []string {
	var fs []string
	for _, r := range rungs {
		fs = append(fs, r.Dockerfile)
	}
	return fs
}
