package lint

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/repo"
)

// repoRoot returns the root of the repository the tests check.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := repo.Root(".")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// catalogue returns the repository root and its rungs.
func catalogue(t *testing.T) (string, []repo.Rung) {
	t.Helper()
	root := repoRoot(t)
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

// schemaNames returns the name enum of one list in ladder/compare.schema.json
// ("rungs" or "peers"): properties.<list>.items.properties.name.enum.
func schemaNames(t *testing.T, root, list string) []string {
	t.Helper()
	var schema struct {
		Properties map[string]struct {
			Items struct {
				Properties struct {
					Name struct {
						Enum []string `json:"enum"`
					} `json:"name"`
				} `json:"properties"`
			} `json:"items"`
		} `json:"properties"`
	}
	if err := json.Unmarshal([]byte(readFile(t, root, "ladder/compare.schema.json")), &schema); err != nil {
		t.Fatal(err)
	}
	return schema.Properties[list].Items.Properties.Name.Enum
}

// makefiles is the Makefile and every make/*.mk it includes, one text.
func makefiles(t *testing.T, root string) string {
	t.Helper()
	text := readFile(t, root, "Makefile")
	included, err := filepath.Glob(filepath.Join(root, "make", "*.mk"))
	if err != nil || len(included) == 0 {
		t.Fatalf("no make/*.mk beside the Makefile (%v)", err)
	}
	for _, f := range included {
		rel, _ := filepath.Rel(root, f)
		text += "\n" + readFile(t, root, rel)
	}
	return text
}
