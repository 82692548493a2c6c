package lint

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-docker/go-docker/ladder/internal/render"
)

// readReadme returns the repository root and its README.md.
func readReadme(t *testing.T) (root, text string) {
	t.Helper()
	root = repoRoot(t)
	return root, readFile(t, root, "README.md")
}

// githubAnchor is the id GitHub gives a heading.
func githubAnchor(heading string) string {
	s := strings.ToLower(strings.TrimSpace(heading))
	s = regexp.MustCompile("[^a-z0-9 _-]").ReplaceAllString(s, "")
	return strings.ReplaceAll(s, " ", "-")
}

// Every relative link of README.md and docs/*.md resolves: files exist, and
// anchors name a heading of the page they point at.
func TestReadmeLinksResolve(t *testing.T) {
	root, _ := readReadme(t)
	pages, err := render.Docs(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) < 2 {
		t.Fatalf("pages: got %v, want README.md and the docs/ pages it links", pages)
	}
	anchorsOf := func(page string) map[string]bool {
		b, err := os.ReadFile(filepath.Join(root, page))
		if err != nil {
			return nil
		}
		anchors := map[string]bool{}
		for _, m := range regexp.MustCompile(`(?m)^#{1,6} (.+)$`).FindAllStringSubmatch(string(b), -1) {
			anchors[githubAnchor(m[1])] = true
		}
		return anchors
	}
	for _, page := range pages {
		b, err := os.ReadFile(filepath.Join(root, page))
		if err != nil {
			t.Fatal(err)
		}
		links := regexp.MustCompile(`\]\(([^)\s]+)\)`).FindAllStringSubmatch(string(b), -1)
		if len(links) == 0 {
			t.Errorf("%s: no links found", page)
		}
		for _, m := range links {
			link := m[1]
			if strings.HasPrefix(link, "http://") || strings.HasPrefix(link, "https://") {
				continue
			}
			file, anchor, _ := strings.Cut(link, "#")
			target := page
			if file != "" {
				target = filepath.Join(filepath.Dir(page), file)
				if _, err := os.Stat(filepath.Join(root, target)); err != nil {
					t.Errorf("%s: link %s: %v", page, link, err)
					continue
				}
			}
			if anchor != "" && !anchorsOf(target)[anchor] {
				t.Errorf("%s: link %s: no heading with that anchor in %s", page, link, target)
			}
		}
	}
}

// The reading path stays short; the rest lives in docs/.
func TestReadmeIsAtMost320Lines(t *testing.T) {
	_, text := readReadme(t)
	if n := strings.Count(text, "\n"); n > 320 {
		t.Errorf("README.md has %d lines, want at most 320: move detail to a page under docs/", n)
	}
}

// README.md's prose, its generated blocks included, is wrapped at
// render.Width, as a reader of the file sees it; only what a command
// prints or takes (code blocks, transcript markers) and table rows may run
// longer, and a line that is one word (a long link).
func TestReadmeProseIsWrapped(t *testing.T) {
	_, text := readReadme(t)
	code, marker := false, false
	for i, l := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(l, "```"):
			code = !code
			continue
		case strings.HasPrefix(l, "<!-- transcript:"):
			marker = true
		}
		if n := utf8.RuneCountInString(l); n > render.Width && !code && !marker &&
			!strings.HasPrefix(l, "|") && len(strings.Fields(l)) > 1 {
			t.Errorf("README.md:%d has %d characters, want at most %d: %q", i+1, n, render.Width, l)
		}
		if marker && strings.HasSuffix(l, "-->") {
			marker = false
		}
	}
}

// Every make command README.md shows is a target the Makefile (or one of
// the make/*.mk it includes) has.
func TestReadmeMakeTargetsExist(t *testing.T) {
	root, rungs := catalogue(t)
	text := readFile(t, root, "README.md")
	targets := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^([a-z][a-z0-9-]*):`).FindAllStringSubmatch(makefiles(t, root), -1) {
		targets[m[1]] = true
	}
	for _, r := range rungs {
		if !targets[r.Name] {
			t.Errorf("the catalogue's rung %s has no target in the Makefile", r.Name)
		}
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

// Every test README.md and docs/ name as a proof is a test of ladder/: a
// renamed or deleted test cannot leave a claim standing on nothing.
func TestDocsNameRealTests(t *testing.T) {
	root, _ := readReadme(t)
	pages, err := render.Docs(root)
	if err != nil {
		t.Fatal(err)
	}
	defined := map[string]bool{}
	err = filepath.WalkDir(filepath.Join(root, "ladder"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		for _, m := range regexp.MustCompile(`(?m)^func (Test[A-Z]\w*)\(`).FindAllStringSubmatch(string(b), -1) {
			defined[m[1]] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	named := 0
	for _, page := range pages {
		for _, m := range regexp.MustCompile("`(Test[A-Z]\\w*)`").FindAllStringSubmatch(readFile(t, root, page), -1) {
			named++
			if !defined[m[1]] {
				t.Errorf("%s names %s, which no _test.go file under ladder/ defines", page, m[1])
			}
		}
	}
	if named == 0 {
		t.Error("no test named in README.md or docs/: the pattern no longer matches how the docs name tests")
	}
}
