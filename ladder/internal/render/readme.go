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
	"strings"

	"github.com/go-docker/go-docker/ladder/internal/cachedemo"
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
	// <!-- cache-demo -->...<!-- /cache-demo -->: make cache-demo's figures.
	cacheDemoBlock = regexp.MustCompile(`(?s)(<!-- cache-demo -->)(.*?)(<!-- /cache-demo -->)`)
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
// cache demo's from out/cache-demo.json, and, when transcripts is set,
// every transcript. The transcripts' commands run in a throwaway copy of
// the repository, so they never touch uncommitted work; only the
// generated blocks of the pages change.
func UpdateDocs(ctx context.Context, root, out string, transcripts bool) error {
	js, err := os.ReadFile(filepath.Join(out, "compare.json"))
	if errors.Is(err, os.ErrNotExist) {
		return errors.New("no out/compare.json: run make compare first")
	} else if err != nil {
		return err
	}
	var rep measure.Report
	if err := json.Unmarshal(js, &rep); err != nil {
		return fmt.Errorf("out/compare.json: %w", err)
	}
	// The table and the chart are drawn from the JSON again, as make compare
	// drew out/compare.md and out/compare.svg, so they always match it.
	svg, err := Chart(rep)
	if err != nil {
		return err
	}
	pages, err := Docs(root)
	if err != nil {
		return err
	}
	var copyDir string
	if transcripts {
		tmp, err := os.MkdirTemp("", "go-docker-readme-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		copyDir = filepath.Join(tmp, "go-docker")
		if err := repo.Copy(root, copyDir); err != nil {
			return err
		}
	}
	updated := map[string]string{}
	results := false
	for _, page := range pages {
		b, err := os.ReadFile(filepath.Join(root, page))
		if err != nil {
			return err
		}
		s := string(b)
		if strings.Contains(s, ResultsBegin) {
			results = true
			// The root and the chart, as seen from the page.
			up, err := filepath.Rel(filepath.Dir(page), ".")
			if err != nil {
				return err
			}
			chart, err := filepath.Rel(filepath.Dir(page), ChartPath)
			if err != nil {
				return err
			}
			if s, err = ReplaceResults(s, Table(rep, filepath.ToSlash(up))+"\n![Image size and edit-rebuild time per rung]("+filepath.ToSlash(chart)+")\n"); err != nil {
				return err
			}
		}
		if s, err = ReplaceNumbers(s, rep); err != nil {
			return fmt.Errorf("%s: %w", page, err)
		}
		if cacheDemoBlock.MatchString(s) {
			cd, err := os.ReadFile(filepath.Join(out, "cache-demo.json"))
			if err != nil {
				return fmt.Errorf("no out/cache-demo.json: run make cache-demo first (%w)", err)
			}
			var demo cachedemo.Report
			if err := json.Unmarshal(cd, &demo); err != nil {
				return fmt.Errorf("out/cache-demo.json: %w", err)
			}
			s = cacheDemoBlock.ReplaceAllString(s, "${1}\n"+strings.ReplaceAll(CacheDemoTable(demo), "$", "$$")+"${3}")
		}
		if transcripts {
			if s, err = ReplaceTranscripts(ctx, s, copyDir); err != nil {
				return fmt.Errorf("%s: %w", page, err)
			}
		}
		updated[page] = s
	}
	if !results {
		return fmt.Errorf("no page has a results block: want the lines %q and %q in README.md or docs/*.md", ResultsBegin, ResultsEnd)
	}
	// Write only after every page was generated: a failure changes nothing.
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

// ReplaceNumbers fills every numbers block with the named rung's figures.
func ReplaceNumbers(readme string, rep measure.Report) (string, error) {
	var missing []string
	out := numbersBlock.ReplaceAllStringFunc(readme, func(m string) string {
		g := numbersBlock.FindStringSubmatch(m)
		text, ok := RungSentence(rep, g[2])
		switch g[2] {
		case "machine":
			text, ok = MachineSentence(rep), true
		case "context":
			text, ok = ContextSentence(rep)
		case "summary":
			text, ok = Summary(rep)
		case "peers":
			text, ok = PeersTable(rep)
		}
		if !ok {
			missing = append(missing, g[2])
			return m
		}
		return g[1] + text + g[4]
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("out/compare.json has no rung or peers for %s: run make compare with all rungs and peers", strings.Join(missing, ", "))
	}
	return out, nil
}

// MachineSentence says where the README's figures were measured.
func MachineSentence(r measure.Report) string {
	env := r.Environment
	bases := "the real base images"
	if env.StandInBases {
		bases = "stand-in base images (no registry was reachable; see docs/without-a-registry.md)"
	}
	return fmt.Sprintf("The figures and transcripts of this README and docs/ were produced on %s: a %d-CPU %s machine, Docker CLI %s, engine %s with BuildKit %s, %s, and %s.",
		r.GeneratedAt.UTC().Format("2006-01-02"), env.CPUs, env.OSArch, env.DockerClient, env.DockerServer, env.BuildKit, env.Go, bases)
}

// Summary is the short table README.md opens with: what each rung buys in
// image size and in the rebuild after a one-line edit.
func Summary(r measure.Report) (string, bool) {
	if len(r.Rungs) == 0 {
		return "", false
	}
	var b strings.Builder
	b.WriteString("\n\n| Rung | Image size | Rebuild after a one-line edit | Cold build |\n|---|---:|---:|---:|\n")
	for _, g := range r.Rungs {
		// No links: each Dockerfile is first linked from its own section.
		fmt.Fprintf(&b, "| %d. %s | %s | %s | %s |\n", g.Number, g.Name, docker.HumanSize(g.SizeBytes), secs(g.BuildS.Edit), secs(g.BuildS.Cold))
	}
	last := r.Rungs[len(r.Rungs)-1]
	runs := fmt.Sprintf("Medians of %d runs", r.Runs)
	if r.Runs == 1 {
		runs = "One run"
	}
	fmt.Fprintf(&b, "\n%s of `make compare` on %s (%d CPUs, %s, Docker engine %s", runs, r.GeneratedAt.UTC().Format("2006-01-02"), r.Environment.CPUs, r.Environment.OSArch, r.Environment.DockerServer)
	if r.Environment.StandInBases {
		b.WriteString(", stand-in base images")
	}
	b.WriteString(")")
	if n, ok := r.Native[last.Program]; ok && n.Edit.Median > 0 {
		fmt.Fprintf(&b, "; a native `go build` after the same edit takes %s", secs(n.Edit))
	}
	b.WriteString(". Details: [docs/results.md](docs/results.md).\n")
	return b.String(), true
}

// ContextSentence states the build context of each rung with and without
// .dockerignore.
func ContextSentence(r measure.Report) (string, bool) {
	if len(r.Rungs) == 0 {
		return "", false
	}
	var parts []string
	for _, g := range r.Rungs {
		parts = append(parts, fmt.Sprintf("%s %s / %s", g.Name, docker.HumanSize(g.ContextBytes.WithDockerignore), docker.HumanSize(g.ContextBytes.WithoutDockerignore)))
	}
	return "Measured by `make compare`, build context with / without `.dockerignore`: " + strings.Join(parts, "; ") + ".", true
}

// RungSentence states one rung's measured figures, compared with the rung
// before it in the report.
func RungSentence(r measure.Report, name string) (string, bool) {
	for i, g := range r.Rungs {
		if g.Name != name {
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "Measured by `make compare`: image %s", docker.HumanSize(g.SizeBytes))
		if i > 0 {
			p := r.Rungs[i-1]
			fmt.Fprintf(&b, " (%s had %s)", p.Name, docker.HumanSize(p.SizeBytes))
		}
		fmt.Fprintf(&b, "; cold build %s, rebuild after a one-line edit %s", secs(g.BuildS.Cold), secs(g.BuildS.Edit))
		if i > 0 {
			p := r.Rungs[i-1]
			fmt.Fprintf(&b, " (%s: %s)", p.Name, secs(p.BuildS.Edit))
		}
		fmt.Fprintf(&b, ", after a dependency change %s", secs(g.BuildS.Dep))
		if n, ok := r.Native[g.Program]; ok {
			fmt.Fprintf(&b, "; native `go build` after the same edit: %s", secs(n.Edit))
		}
		fmt.Fprintf(&b, "; build context %s (%s without `.dockerignore`).", docker.HumanSize(g.ContextBytes.WithDockerignore), docker.HumanSize(g.ContextBytes.WithoutDockerignore))
		return b.String(), true
	}
	return "", false
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

// Markdown states the cache demo's figures as a table, one row per mode.
func CacheDemoTable(d cachedemo.Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Measured by `make cache-demo` on %s (registry: `%s` as a container", d.GeneratedAt.Format("2006-01-02"), d.RegistryImage)
	if d.StandInBases {
		b.WriteString(", stand-in base images")
	}
	b.WriteString("), wall time of `docker build` for the final rung; \"empty builder\" is a builder with none of the demo's cache, as on a new CI runner:\n\n")
	b.WriteString("| Cache export | Cold build | In the registry | Empty builder, nothing changed | Empty builder, one-line edit | Steps CACHED / run after the edit | Packages compiled after the edit |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, m := range d.Modes {
		fmt.Fprintf(&b, "| %s | %.1f s | %s | %.1f s (%d of %d steps CACHED) | %.1f s | %d / %d | %d |\n", m.Name, m.ColdS, docker.HumanSize(m.CacheBytes),
			m.EmptyBuilderNoopS, m.NoopSteps.Cached, m.NoopSteps.Cached+m.NoopSteps.Ran, m.EmptyBuilderEditS,
			m.StepsCachedAfterEdit, m.StepsRunAfterEdit, m.PackagesCompiledAfterEdit)
	}
	return b.String()
}
