package lint

import (
	"fmt"
	"maps"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/repo"
)

// One catalogue of rungs (dockerfiles/rungs.txt), one number per rung:
// the Makefile reads the catalogue, and everything else that names the
// rungs must agree with it.
func TestCatalogueAgreesEverywhere(t *testing.T) {
	root, rungs := catalogue(t)
	t.Run("schema", func(t *testing.T) {
		if got := schemaNames(t, root, "rungs"); !slices.Equal(got, repo.Names(rungs)) {
			t.Errorf("compare.schema.json's rung names: %v, the catalogue's: %v", got, repo.Names(rungs))
		}
	})
	t.Run("dockerfiles", func(t *testing.T) {
		for _, r := range rungs {
			want := fmt.Sprintf("# Rung %d: %s.", r.Number, r.Name)
			if first, _, _ := strings.Cut(readFile(t, root, r.Dockerfile), "\n"); !strings.HasPrefix(first, want) {
				t.Errorf("%s: first line %q, want it to start with %q", r.Dockerfile, first, want)
			}
		}
	})
	t.Run("readme", func(t *testing.T) { readmeAgrees(t, readFile(t, root, "README.md"), rungs) })
	t.Run("make help", func(t *testing.T) { makeHelpAgrees(t, root, rungs) })
}

// readmeAgrees checks README.md's "## Rung N" sections: one per rung, in
// the catalogue's order and numbers, each the first to link its
// Dockerfile.
func readmeAgrees(t *testing.T, readme string, rungs []repo.Rung) {
	headings := regexp.MustCompile(`(?m)^## (.*)$`).FindAllStringSubmatchIndex(readme, -1)
	section := func(offset int) string { // the ## heading above offset
		h := ""
		for _, m := range headings {
			if m[0] <= offset {
				h = readme[m[2]:m[3]]
			}
		}
		return h
	}
	var numbered []string
	for _, m := range headings {
		if h := readme[m[2]:m[3]]; strings.HasPrefix(h, "Rung ") {
			numbered = append(numbered, h)
		}
	}
	if len(numbered) != len(rungs) {
		t.Errorf("README.md has %d \"## Rung N\" sections, the catalogue %d rungs: %q", len(numbered), len(rungs), numbered)
	}
	for i, r := range rungs {
		prefix := fmt.Sprintf("Rung %d: ", r.Number)
		if i < len(numbered) && !strings.HasPrefix(numbered[i], prefix) {
			t.Errorf("README.md's section %d is %q, want it to start with %q", i+1, numbered[i], prefix)
		}
		// The step number of a Dockerfile is that of the section that
		// first links it.
		j := strings.Index(readme, "]("+r.Dockerfile+")")
		if j < 0 {
			t.Errorf("README.md never links %s", r.Dockerfile)
			continue
		}
		if s := section(j); !strings.HasPrefix(s, prefix) {
			t.Errorf("README.md first links %s in section %q, want the one starting %q", r.Dockerfile, s, prefix)
		}
	}
}

// makeHelpAgrees checks that make help lists each rung with its catalogue
// number and summary, and numbers nothing else "Rung N".
func makeHelpAgrees(t *testing.T, root string, rungs []repo.Rung) {
	cmd := exec.Command("make", "-s", "help")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("make help: %v", err)
	}
	help := regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(string(out), "")
	for _, r := range rungs {
		want := regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(r.Name) + ` +Rung ` + fmt.Sprint(r.Number) + `: ` + regexp.QuoteMeta(r.Summary))
		if !want.MatchString(help) {
			t.Errorf("make help does not list %q as Rung %d: %s", r.Name, r.Number, r.Summary)
		}
	}
	// No number of another scheme: every "Rung N" make help prints is
	// one of the catalogue's.
	if n := len(regexp.MustCompile(`Rung \d+:`).FindAllString(help, -1)); n != len(rungs) {
		t.Errorf("make help prints %d \"Rung N:\" lines, want %d", n, len(rungs))
	}
}

// Each rung's section shows its diff against the rung before: the lines it
// adds and removes must be exactly the instruction lines (comments and
// blank lines aside) that differ between the two Dockerfiles.
func TestReadmeDiffsAreTheRealDiffs(t *testing.T) {
	root, rungs := catalogue(t)
	readme := readFile(t, root, "README.md")
	instructions := func(rel string) map[string]bool {
		set := map[string]bool{}
		for _, l := range strings.Split(readFile(t, root, rel), "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				set[l] = true
			}
		}
		return set
	}
	minus := func(a, b map[string]bool) []string {
		var out []string
		for l := range a {
			if !b[l] {
				out = append(out, l)
			}
		}
		slices.Sort(out)
		return out
	}
	checked := 0
	for i := 1; i < len(rungs); i++ {
		r, prev := rungs[i], rungs[i-1]
		start := strings.Index(readme, fmt.Sprintf("\n## Rung %d: ", r.Number))
		if start < 0 {
			continue // TestCatalogueAgreesEverywhere reports it
		}
		end := strings.Index(readme[start+1:], "\n## ")
		if end < 0 {
			end = len(readme) - start - 1
		}
		diff := regexp.MustCompile("(?s)```diff\n(.*?)```").FindStringSubmatch(readme[start : start+1+end])
		if diff == nil {
			continue // a section may list its changes instead (the final rung's)
		}
		checked++
		shown := map[byte]map[string]bool{'+': {}, '-': {}}
		for _, l := range strings.Split(diff[1], "\n") {
			if len(l) > 0 && (l[0] == '+' || l[0] == '-') {
				if s := strings.TrimSpace(l[1:]); s != "" {
					shown[l[0]][s] = true
				}
			}
		}
		cur, old := instructions(r.Dockerfile), instructions(prev.Dockerfile)
		if got, want := slices.Sorted(maps.Keys(shown['+'])), minus(cur, old); !slices.Equal(got, want) {
			t.Errorf("Rung %d (%s): the README's diff adds %q, but %s adds %q to %s", r.Number, r.Name, got, r.Dockerfile, want, prev.Dockerfile)
		}
		if got, want := slices.Sorted(maps.Keys(shown['-'])), minus(old, cur); !slices.Equal(got, want) {
			t.Errorf("Rung %d (%s): the README's diff removes %q, but %s removes %q from %s", r.Number, r.Name, got, r.Dockerfile, want, prev.Dockerfile)
		}
	}
	if checked < len(rungs)-2 {
		t.Errorf("checked the diffs of %d rungs, want at least %d: has the diff block's form changed?", checked, len(rungs)-2)
	}
}
