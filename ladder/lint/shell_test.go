package lint

// The commands the pages show a reader paste into zsh, macOS's default
// shell, as docs/ci.md promises: no `sed -i` (BSD sed takes a suffix
// argument), no `!` inside double quotes (history expansion in an
// interactive zsh or bash) and no ${PIPESTATUS[...]} (zsh's is $pipestatus).

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// zshHabits are what a pasted command must not hold, with the reason.
var zshHabits = []struct {
	re     *regexp.Regexp
	reason string
}{
	{regexp.MustCompile(`\bsed\s+(-[a-zA-Z]*\s+)*-[a-zA-Z]*i`), "sed -i: BSD sed takes a suffix argument"},
	{regexp.MustCompile(`PIPESTATUS`), "${PIPESTATUS[...]}: zsh has $pipestatus"},
}

// bangInDoubleQuotes tells whether cmd has a ! inside double quotes, which
// are themselves outside single quotes (where both are literal).
func bangInDoubleQuotes(cmd string) bool {
	var single, double bool
	for i := 0; i < len(cmd); i++ {
		switch c := cmd[i]; {
		case c == '\\' && !single:
			i++
		case c == '\'' && !double:
			single = !single
		case c == '"' && !single:
			double = !double
		case c == '!' && double:
			return true
		}
	}
	return false
}

// zshProblems returns, for each command line of a page's console and shell
// blocks, what it holds that zsh would not run as bash does.
func zshProblems(page string) []string {
	var problems []string
	block := ""
	for i, line := range strings.Split(page, "\n") {
		if strings.HasPrefix(line, "```") {
			if block == "" {
				block = strings.TrimPrefix(line, "```") + " "
			} else {
				block = ""
			}
			continue
		}
		cmd, ok := "", false
		switch {
		case strings.HasPrefix(block, "console"):
			cmd, ok = strings.CutPrefix(line, "$ ")
		case strings.HasPrefix(block, "sh ") || strings.HasPrefix(block, "bash ") || strings.HasPrefix(block, "shell "):
			cmd, ok = line, !strings.HasPrefix(strings.TrimSpace(line), "#")
		}
		if !ok {
			continue
		}
		for _, h := range zshHabits {
			if h.re.MatchString(cmd) {
				problems = append(problems, "line "+strconv.Itoa(i+1)+": "+h.reason+": "+cmd)
			}
		}
		if bangInDoubleQuotes(cmd) {
			problems = append(problems, "line "+strconv.Itoa(i+1)+": ! inside double quotes: history expansion in an interactive zsh: "+cmd)
		}
	}
	return problems
}

func TestZshHabitsAreFound(t *testing.T) {
	for _, tc := range []struct {
		name, page string
		want       int
	}{
		{"sed -i in a console block", "```console\n$ sed -i 's/a/b/' f\n```\n", 1},
		{"sed -E -i", "```console\n$ sed -E -i '' f\n```\n", 1},
		{"sed -ni", "```sh\nsed -ni p f\n```\n", 1},
		{"! in double quotes", "```console\n$ echo \"done!\"\n```\n", 1},
		{"PIPESTATUS", "```bash\nmake | tee log; exit ${PIPESTATUS[0]}\n```\n", 1},
		{"perl -pi instead", "```console\n$ perl -pi -e 's/a/b/' f\n```\n", 0},
		{"! in single quotes", "```console\n$ echo 'done!'\n```\n", 0},
		{"double quotes inside single quotes", "```console\n$ perl -pi -e 's/\"Hi!\"/\"Ho!\"/' f\n```\n", 0},
		{"! after a single-quoted part", "```console\n$ echo 'a' \"b!\"\n```\n", 1},
		{"output lines are not commands", "```console\n$ make\nsed -i happened\n```\n", 0},
		{"outside a block", "Never use `sed -i` here.\n", 0},
		{"a Go block", "```go\nfmt.Println(\"hi!\")\n```\n", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := zshProblems(tc.page); len(got) != tc.want {
				t.Errorf("got %d problems %q, want %d", len(got), got, tc.want)
			}
		})
	}
}

func TestPagesCommandsPasteIntoZsh(t *testing.T) {
	root := repoRoot(t)
	pages, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	pages = append(pages, filepath.Join(root, "README.md"))
	for _, p := range pages {
		rel, _ := filepath.Rel(root, p)
		for _, problem := range zshProblems(readFile(t, root, rel)) {
			t.Errorf("%s %s", rel, problem)
		}
	}
}
