package render

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/go-docker/go-docker/ladder/internal/cachedemo"
	"github.com/go-docker/go-docker/ladder/internal/cicompare"
	"github.com/go-docker/go-docker/ladder/internal/devloop"
	"github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/measure"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

// The generated parts of README.md and docs/*.md sit between markers; UpdateDocs rewrites
// what is between them, so no figure in README.md is typed by hand.
const (
	// The table and chart of `make compare`.
	ResultsBegin = "<!-- results:begin (make readme writes this block) -->"
	ResultsEnd   = "<!-- results:end -->"
	// ChartPath is where the chart is kept for README.md.
	ChartPath = "docs/compare.svg"
)

var (
	// <!-- numbers:final -->...<!-- /numbers -->: one rung's figures.
	numbersBlock = regexp.MustCompile(`(?s)(<!-- numbers:([a-z-]+) -->)(.*?)(<!-- /numbers -->)`)
	// <!-- cache-demo -->...<!-- /cache-demo -->: make cache-demo's table;
	// <!-- cache-demo:shared-builder -->: the rest of its shared-builder mode.
	cacheDemoBlock = regexp.MustCompile(`(?s)(<!-- cache-demo(?::([a-z-]+))? -->)(.*?)(<!-- /cache-demo -->)`)
	// <!-- transcript: make simple ;; docker images go-docker-simple -->
	// followed by a console code block: the real output of the commands.
	transcriptBlock = regexp.MustCompile("(?s)(<!-- transcript: (.*?) -->\n)```console\n.*?```\n")
)

// Docs are the pages whose generated parts UpdateDocs rewrites, relative
// to the repository root.
func Docs(root string) ([]string, error) {
	pages, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		return nil, err
	}
	out := []string{"README.md"}
	for _, p := range pages {
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return nil, err
		}
		out = append(out, rel)
	}
	return out, nil
}

// UpdateDocs rewrites the generated parts of README.md and docs/*.md: the
// results block, the chart and the figures from out/compare.json, the
// cache demo's from out/cache-demo.json, the dev loop's, make
// ci-compare's and make ci-local's from theirs, and, when transcripts is set,
// every transcript. The transcripts' commands run in a throwaway copy of
// the repository, so they never touch uncommitted work; only the
// generated blocks of the pages change.
func UpdateDocs(ctx context.Context, root, out string, transcripts bool) error {
	rungs, err := repo.Load(root)
	if err != nil {
		return err
	}
	u := docsUpdate{root: root, out: out, production: repo.Production(rungs).Name}
	if err := readResult(out, "compare.json", "make compare", &u.rep); err != nil {
		return err
	}
	// The table and the chart are drawn from the JSON again, as make compare
	// drew out/compare.md and out/compare.svg, so they always match it.
	svg, err := Chart(u.rep, u.production)
	if err != nil {
		return err
	}
	pages, err := Docs(root)
	if err != nil {
		return err
	}
	if transcripts {
		tmp, err := os.MkdirTemp("", "go-docker-readme-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		u.copyDir = filepath.Join(tmp, "go-docker")
		if err := repo.Copy(root, u.copyDir); err != nil {
			return err
		}
	}
	updated := map[string]string{}
	for _, page := range pages {
		if updated[page], err = u.page(ctx, page); err != nil {
			return err
		}
	}
	if !u.results {
		return fmt.Errorf("no page has a results block: want the lines %q and %q in README.md or docs/*.md", ResultsBegin, ResultsEnd)
	}
	if err := onePagePerBlock(pages, updated); err != nil {
		return err
	}
	return writeDocs(root, svg, pages, updated)
}

// UpdatePageTranscripts reruns the transcripts of one page (README.md or
// docs/NAME.md), in a throwaway copy of the repository, and rewrites only
// that page: after a change that only its commands show.
func UpdatePageTranscripts(ctx context.Context, root, page string) error {
	pages, err := Docs(root)
	if err != nil {
		return err
	}
	page = filepath.ToSlash(filepath.Clean(page))
	if !slices.Contains(pages, page) {
		return fmt.Errorf("no page %q: use README.md or one of docs/*.md", page)
	}
	b, err := os.ReadFile(filepath.Join(root, page))
	if err != nil {
		return err
	}
	if !transcriptBlock.Match(b) {
		return fmt.Errorf("%s has no transcript block (<!-- transcript: ... --> then a console block)", page)
	}
	tmp, err := os.MkdirTemp("", "go-docker-readme-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "go-docker")
	if err := repo.Copy(root, dir); err != nil {
		return err
	}
	s, err := ReplaceTranscripts(ctx, string(b), dir)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(root, page), []byte(s), 0o644)
}

// onePagePerBlock refuses a generated block that sits on two pages: the
// same figures twice are one page too many to read, and the second page
// links the first instead.
func onePagePerBlock(pages []string, text map[string]string) error {
	on := map[string]string{}
	for _, page := range pages {
		var names []string
		for _, m := range numbersBlock.FindAllStringSubmatch(text[page], -1) {
			names = append(names, "numbers:"+m[2])
		}
		for _, m := range cacheDemoBlock.FindAllStringSubmatch(text[page], -1) {
			names = append(names, strings.TrimSuffix("cache-demo:"+m[2], ":"))
		}
		for _, m := range devLoopBlock.FindAllStringSubmatch(text[page], -1) {
			names = append(names, strings.TrimSuffix("dev-loop:"+m[2], ":"))
		}
		for range ciCompareBlock.FindAllString(text[page], -1) {
			names = append(names, "ci-compare")
		}
		for _, m := range ciLocalBlock.FindAllStringSubmatch(text[page], -1) {
			names = append(names, "ci-local:"+m[2])
		}
		for _, name := range names {
			if other, ok := on[name]; ok && other != page {
				return fmt.Errorf("the generated block <!-- %s --> is on %s and %s: keep it on one page and link it from the other", name, other, page)
			}
			on[name] = page
		}
	}
	return nil
}

// docsUpdate is what generating each page needs: the report, the
// production rung's name, where the results are, and the copy the
// transcripts run in ("" for none).
type docsUpdate struct {
	root, out  string
	rep        measure.Report
	production string
	copyDir    string
	results    bool // some page had a results block
}

// page returns one page with its generated blocks rewritten; it writes
// nothing.
func (u *docsUpdate) page(ctx context.Context, page string) (string, error) {
	b, err := os.ReadFile(filepath.Join(u.root, page))
	if err != nil {
		return "", err
	}
	s := string(b)
	if strings.Contains(s, ResultsBegin) {
		u.results = true
		if s, err = u.resultsBlock(s, page); err != nil {
			return "", err
		}
	}
	if s, err = ReplaceNumbers(s, u.rep, u.production); err != nil {
		return "", fmt.Errorf("%s: %w", page, err)
	}
	if cacheDemoBlock.MatchString(s) {
		var demo cachedemo.Report
		if err := readResult(u.out, "cache-demo.json", "make cache-demo", &demo); err != nil {
			return "", err
		}
		if s, err = replaceCacheDemo(s, demo); err != nil {
			return "", fmt.Errorf("%s: %w", page, err)
		}
	}
	if devLoopBlock.MatchString(s) {
		var dev devloop.Report
		if err := readResult(u.out, "dev-loop.json", "make dev-compare", &dev); err != nil {
			return "", err
		}
		if s, err = replaceDevLoop(s, dev); err != nil {
			return "", fmt.Errorf("%s: %w", page, err)
		}
	}
	if ciCompareBlock.MatchString(s) {
		var ci cicompare.Report
		if err := readResult(u.out, "ci-compare.json", "make ci-compare", &ci); err != nil {
			return "", err
		}
		if s, err = replaceCICompare(s, ci); err != nil {
			return "", fmt.Errorf("%s: %w", page, err)
		}
	}
	if s, err = replaceCILocal(s, u.out); err != nil {
		return "", fmt.Errorf("%s: %w", page, err)
	}
	if u.copyDir != "" {
		if s, err = ReplaceTranscripts(ctx, s, u.copyDir); err != nil {
			return "", fmt.Errorf("%s: %w", page, err)
		}
	}
	return s, nil
}

// resultsBlock fills a page's results block with the table and the chart,
// their links written as seen from the page.
func (u *docsUpdate) resultsBlock(s, page string) (string, error) {
	up, err := filepath.Rel(filepath.Dir(page), ".")
	if err != nil {
		return "", err
	}
	chart, err := filepath.Rel(filepath.Dir(page), ChartPath)
	if err != nil {
		return "", err
	}
	return ReplaceResults(s, Table(u.rep, filepath.ToSlash(up), u.production)+"\n![Image size and edit-rebuild time per rung]("+filepath.ToSlash(chart)+")\n")
}

// readResult decodes out/<name> into v; a missing file names the make
// target that writes it.
func readResult(out, name, target string, v any) error {
	js, err := os.ReadFile(filepath.Join(out, name))
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("no out/%s: run %s first", name, target)
	} else if err != nil {
		return err
	}
	if err := json.Unmarshal(js, v); err != nil {
		return fmt.Errorf("out/%s: %w", name, err)
	}
	return nil
}

// writeDocs writes the chart and every page, once all were generated: a
// failure before it changes nothing.
func writeDocs(root string, svg []byte, pages []string, updated map[string]string) error {
	if err := os.MkdirAll(filepath.Join(root, filepath.Dir(ChartPath)), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(root, ChartPath), svg, 0o644); err != nil {
		return err
	}
	for _, page := range pages {
		if err := os.WriteFile(filepath.Join(root, page), []byte(updated[page]), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// ReplaceResults puts block between the results markers of readme.
func ReplaceResults(readme, block string) (string, error) {
	i := strings.Index(readme, ResultsBegin)
	j := strings.Index(readme, ResultsEnd)
	if i < 0 || j < i {
		return "", fmt.Errorf("README.md has no results block: want the lines %q and %q", ResultsBegin, ResultsEnd)
	}
	return readme[:i+len(ResultsBegin)] + "\n" + block + readme[j:], nil
}

// ReplaceNumbers fills every numbers block with the named rung's figures,
// wrapped at Width; production names the production rung, which the
// summary and the peers table single out. A block of prose starts on the
// line after its opening marker, which may end a line of hand-written
// prose, and ends with the closing marker; a block with a table starts
// and ends with a blank line.
func ReplaceNumbers(readme string, rep measure.Report, production string) (string, error) {
	var missing []string
	out := numbersBlock.ReplaceAllStringFunc(readme, func(m string) string {
		g := numbersBlock.FindStringSubmatch(m)
		text, ok := RungSentence(rep, g[2])
		switch g[2] {
		case "context":
			text, ok = ContextSentence(rep)
		case "summary":
			text, ok = Summary(rep, production)
		case "peers":
			text, ok = PeersTable(rep, production)
		}
		if !ok {
			missing = append(missing, g[2])
			return m
		}
		if strings.HasPrefix(text, "\n") {
			return g[1] + Wrap(text) + g[4]
		}
		return g[1] + "\n" + Wrap(text+g[4])
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("out/compare.json has no rung or peers for %s: run make compare with all rungs and peers", strings.Join(missing, ", "))
	}
	return out, nil
}

// ReplaceTranscripts runs the commands of every transcript block (separated
// by ";;") with bash in dir and writes what they printed, after a $ prompt.
func ReplaceTranscripts(ctx context.Context, readme, dir string) (string, error) {
	var firstErr error
	out := transcriptBlock.ReplaceAllStringFunc(readme, func(m string) string {
		if firstErr != nil {
			return m
		}
		g := transcriptBlock.FindStringSubmatch(m)
		var b strings.Builder
		b.WriteString(g[1] + "```console\n")
		for _, c := range strings.Split(g[2], ";;") {
			c = strings.TrimSpace(c)
			cmd := exec.CommandContext(ctx, "bash", "-c", c)
			cmd.Dir = dir
			var buf bytes.Buffer
			cmd.Stdout, cmd.Stderr = &buf, &buf
			err := cmd.Run()
			// A transcript may show a command that fails on purpose: it
			// says so with a trailing "# fails".
			if err != nil && !strings.HasSuffix(c, "# fails") {
				firstErr = fmt.Errorf("transcript command %q: %v: %s", c, err, docker.LastLine(buf.String()))
				return m
			}
			fmt.Fprintf(&b, "$ %s\n%s", strings.TrimSpace(strings.TrimSuffix(c, "# fails")), buf.String())
		}
		b.WriteString("```\n")
		return b.String()
	})
	return out, firstErr
}
