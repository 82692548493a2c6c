package render

import (
	"fmt"
	"strings"

	"github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/measure"
)

// peerPick is one honest sentence per peer: when a reader should pick it
// instead of the production rung. Its figures are the table's, beside it.
var peerPick = map[string]string{
	"docker-init": "Pick `docker init`'s Dockerfile when you want a file Docker writes for you and rebuild rarely: " +
		"it caches downloaded modules but not Go's build cache, so every edit recompiles gin and its dependencies, " +
		"and its Alpine runtime brings a shell and a package manager.",
	"ko": "Pick ko when the image holds nothing but a Go binary and Go is installed where you build: no " +
		"Dockerfile, and go build runs on the host with Go's own build cache; but it cannot run a step or add " +
		"a package to the image, and the host's Go, not a pinned image, compiles what you ship.",
}

// PeersTable is README.md's "How it compares": the production rung against
// each peer of the same run, each figure also as a ratio to the production
// rung's, and one sentence per peer on when to pick it instead. There is
// none without peers, or without the production rung.
func PeersTable(r measure.Report, production string) (string, bool) {
	f, ok := r.Rung(production)
	if !ok || len(r.Peers) == 0 {
		return "", false
	}
	cell := func(s, fs measure.Stats) string {
		return fmt.Sprintf("%s (%s)", secs(s), ratio(s.Median, fs.Median))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n\n| | Image size | Cold build | No-op rebuild | Rebuild after a one-line edit |\n|---|---:|---:|---:|---:|\n")
	fmt.Fprintf(&b, "| %s (Rung %d) | %s | %s | %s | %s |\n", f.Name, f.Number, docker.HumanSize(f.SizeBytes),
		secs(f.BuildS.Cold), secs(f.BuildS.Noop), secs(f.BuildS.Edit))
	for _, p := range r.Peers {
		fmt.Fprintf(&b, "| %s | %s (%s) | %s | %s | %s |\n", p.Name, docker.HumanSize(p.SizeBytes),
			ratio(float64(p.SizeBytes), float64(f.SizeBytes)), cell(p.BuildS.Cold, f.BuildS.Cold),
			cell(p.BuildS.Noop, f.BuildS.Noop), cell(p.BuildS.Edit, f.BuildS.Edit))
	}
	fmt.Fprintf(&b, "\nThe run of the summary at the top; in brackets, each figure divided by %s's.", f.Name)
	b.WriteString("\n")
	for _, p := range r.Peers {
		tmpl, ok := peerPick[p.Name]
		if !ok {
			continue
		}
		fmt.Fprintf(&b, "- **%s.** %s\n", p.Name, tmpl)
	}
	return b.String(), true
}

// peersDetail is the peers' part of the full table (docs/results.md and
// out/compare.md): every scenario, and what each timing includes.
func peersDetail(r measure.Report, root string) string {
	if len(r.Peers) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\nPeers, measured in the same run and scenarios: what a reader would use instead of the last rung.\n\n")
	b.WriteString("| Peer | Image size | Layers | Cold build | No-op | Edit | Dep change |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, p := range r.Peers {
		name := p.Name
		if p.Dockerfile != "" {
			name = fmt.Sprintf("[%s](%s)", p.Name, root+"/"+p.Dockerfile)
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %s | %s | %s | %s |\n", name, docker.HumanSize(p.SizeBytes), p.Layers,
			secs(p.BuildS.Cold), secs(p.BuildS.Noop), secs(p.BuildS.Edit), secs(p.BuildS.Dep))
	}
	b.WriteString("\n")
	for _, p := range r.Peers {
		fmt.Fprintf(&b, "- **%s**: %s.", p.Name, p.Summary)
		if p.Adapted != "" {
			fmt.Fprintf(&b, " On this machine: %s.", p.Adapted)
		}
		b.WriteString("\n")
	}
	return b.String()
}
