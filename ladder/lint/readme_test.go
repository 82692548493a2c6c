package lint

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/repo"
)

func readReadme(t *testing.T) (root, text string) {
	t.Helper()
	root, err := repo.Root(".")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	return root, string(b)
}

// githubAnchor is the id GitHub gives a heading.
func githubAnchor(heading string) string {
	s := strings.ToLower(strings.TrimSpace(heading))
	s = regexp.MustCompile("[^a-z0-9 _-]").ReplaceAllString(s, "")
	return strings.ReplaceAll(s, " ", "-")
}

func TestReadmeLinksResolve(t *testing.T) {
	root, text := readReadme(t)
	anchors := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^#{1,6} (.+)$`).FindAllStringSubmatch(text, -1) {
		anchors[githubAnchor(m[1])] = true
	}
	links := regexp.MustCompile(`\]\(([^)\s]+)\)`).FindAllStringSubmatch(text, -1)
	if len(links) == 0 {
		t.Fatal("no links found in README.md")
	}
	for _, m := range links {
		link := m[1]
		switch {
		case strings.HasPrefix(link, "http://"), strings.HasPrefix(link, "https://"):
		case strings.HasPrefix(link, "#"):
			if !anchors[link[1:]] {
				t.Errorf("link %s: no heading with that anchor", link)
			}
		default:
			if _, err := os.Stat(filepath.Join(root, strings.SplitN(link, "#", 2)[0])); err != nil {
				t.Errorf("link %s: %v", link, err)
			}
		}
	}
}

func TestReadmeMakeTargetsExist(t *testing.T) {
	root, text := readReadme(t)
	mk, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	targets := map[string]bool{}
	// The rungs' targets come from the catalogue (one pattern rule).
	rungs, err := repo.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rungs {
		targets[r.Name] = true
	}
	for _, m := range regexp.MustCompile(`(?m)^([a-z][a-z0-9-]*):`).FindAllStringSubmatch(string(mk), -1) {
		targets[m[1]] = true
	}
	// Commands: `make x` in code spans, "$ make x" in transcripts and
	// "make x" in transcript markers.
	found := 0
	for _, m := range regexp.MustCompile("(?:`|\\$ |transcript: |;; )make ([a-z][a-z0-9-]*)").FindAllStringSubmatch(text, -1) {
		found++
		if !targets[m[1]] {
			t.Errorf("README.md mentions `make %s`, which the Makefile does not have", m[1])
		}
	}
	if found < 10 {
		t.Errorf("found %d make commands in README.md; is the pattern still right?", found)
	}
}
