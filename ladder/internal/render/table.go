package render

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/measure"
)

// Table renders a report as out/compare.md and docs/results.md show it.
// root is the repository root as seen from the page ("..": both pages are
// one folder down), for the links to the Dockerfiles; production is the
// production rung's name, whose edit rebuild the table breaks down.
func Table(r measure.Report, root, production string) string {
	var b strings.Builder
	env := r.Environment
	fmt.Fprintf(&b, "Measured by `make compare RUNS=%d` on %s: %d CPUs, %s, Docker %s (engine %s, BuildKit %s), %s.\n",
		r.Runs, r.GeneratedAt.UTC().Format("2006-01-02"), env.CPUs, env.OSArch, env.DockerClient, env.DockerServer, env.BuildKit, env.Go)
	if env.StandInBases {
		b.WriteString("**Stand-in base images were used** (no registry was reachable): sizes of `simple` and of the Alpine rungs differ from the real `golang` and `alpine` images.\n")
	} else {
		b.WriteString("The real base images were used.\n")
	}
	fmt.Fprintf(&b, "Times are medians of %d runs, in seconds, of the whole `make <rung>` as you type it: the `docker build` and make's own work around it. Cold: %s.\n\n", r.Runs, r.CacheReset)

	b.WriteString("| Rung | Image size | × previous | Layers | Cold build | No-op | Edit | Edit × native | Dep change | Context with / without .dockerignore |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for i, g := range r.Rungs {
		prev := "–"
		if i > 0 && r.Rungs[i-1].SizeBytes > 0 {
			prev = fmt.Sprintf("%.2f×", float64(g.SizeBytes)/float64(r.Rungs[i-1].SizeBytes))
		}
		native := "–"
		if n, ok := r.Native[g.Program]; ok {
			native = ratio(g.BuildS.Edit.Median, n.Edit.Median)
		}
		fmt.Fprintf(&b, "| %d. [%s](%s) | %s | %s | %d | %s | %s | %s | %s | %s | %s / %s |\n",
			g.Number, g.Name, path.Join(root, g.Dockerfile), docker.HumanSize(g.SizeBytes), prev, g.Layers,
			secs(g.BuildS.Cold), secs(g.BuildS.Noop), secs(g.BuildS.Edit), native, secs(g.BuildS.Dep),
			docker.HumanSize(g.ContextBytes.WithDockerignore), docker.HumanSize(g.ContextBytes.WithoutDockerignore))
	}
	b.WriteString("\nNative floor (`go build` on the host, the last rung's flags):")
	for _, p := range slices.Sorted(maps.Keys(r.Native)) {
		n := r.Native[p]
		fmt.Fprintf(&b, " `./%s` cold %s, edit %s;", p, secs(n.Cold), secs(n.Edit))
	}
	s := strings.TrimSuffix(b.String(), ";") + ".\n"
	// The production rung is the one readers copy: where its edit rebuild
	// goes, when it was measured.
	if g, ok := r.Rung(production); ok && g.EditBuildStepS.Median > 0 {
		d := g.EditBreakdownS
		ms := func(s measure.Stats) string { return fmt.Sprintf("%.2f s", s.Median) }
		s += fmt.Sprintf("\nWhere the %s rung's edit rebuild (`make %s`, %s) goes, as BuildKit reports it: the `go build` step %s "+
			"(its container start included), other steps %s, context transfer %s, base image metadata %s, image export %s, "+
			"%s in the Docker CLI, the session and the solve, and %s in make around the docker build.", g.Name, g.Name, ms(g.BuildS.Edit), ms(d.GoBuild), ms(d.Steps),
			ms(d.Context), ms(d.Metadata), ms(d.Export), ms(d.Other), ms(d.Make))
		if n, ok := r.Native[g.Program]; ok && n.Edit.Median > 0 {
			s += fmt.Sprintf(" A native incremental `go build` takes %s, so the step spends about %.2f s more than the compile alone: "+
				"the step's container, its mounts and BuildKit's bookkeeping.", ms(n.Edit), max(0, d.GoBuild.Median-n.Edit.Median))
		}
		s += "\n"
	}
	return s + peersDetail(r, root)
}

// ratio formats a/b as "1.3×", and "–" when b is not a positive figure.
func ratio(a, b float64) string {
	if b <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f×", a/b)
}

// whichRun opens a caption: how many runs of make compare the figures
// are, and on which day.
func whichRun(r measure.Report) string {
	runs := fmt.Sprintf("Medians of %d runs", r.Runs)
	if r.Runs == 1 {
		runs = "One run"
	}
	return runs + " of `make compare` on " + r.GeneratedAt.UTC().Format("2006-01-02")
}

// secs formats a median in seconds: whole seconds from 10 s up, tenths
// below, so a table's column reads at a glance.
func secs(s measure.Stats) string {
	switch {
	case s.Median >= 10:
		return fmt.Sprintf("%.0f s", s.Median)
	default:
		return fmt.Sprintf("%.1f s", s.Median)
	}
}
