package render

import (
	"fmt"
	"strings"

	"github.com/go-docker/go-docker/ladder/internal/cachedemo"
	"github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/measure"
)

// The sentences and small tables the generated blocks of README.md and
// docs/*.md hold, each from a report's figures.

// Summary is the short table README.md opens with: what each rung buys in
// image size and in the rebuild after a one-line edit, and the native
// build of the program the production rung builds.
func Summary(r measure.Report, production string) (string, bool) {
	if len(r.Rungs) == 0 {
		return "", false
	}
	var b strings.Builder
	b.WriteString("\n\n| Rung | Image size | Rebuild after a one-line edit | Cold build |\n|---|---:|---:|---:|\n")
	for _, g := range r.Rungs {
		// No links: each Dockerfile is first linked from its own section.
		fmt.Fprintf(&b, "| %d. %s | %s | %s | %s |\n", g.Number, g.Name, docker.HumanSize(g.SizeBytes), secs(g.BuildS.Edit), secs(g.BuildS.Cold))
	}
	fmt.Fprintf(&b, "\n%s (%d CPUs, %s, Docker engine %s)", whichRun(r), r.Environment.CPUs, r.Environment.OSArch, r.Environment.DockerServer)
	if n, ok := productionNative(r, production); ok {
		fmt.Fprintf(&b, "; a native `go build` after the same edit takes %s", secs(n.Edit))
	}
	b.WriteString(".")
	if r.Environment.StandInBases {
		b.WriteString(" " + standInBases)
	}
	b.WriteString(" Each transcript below is a run of its own, by `make readme`. Details: [docs/results.md](docs/results.md).\n")
	return b.String(), true
}

// productionNative is the native build of the program the production rung
// builds, if the report measured both.
func productionNative(r measure.Report, production string) (measure.Native, bool) {
	g, ok := r.Rung(production)
	if !ok {
		return measure.Native{}, false
	}
	n, ok := r.Native[g.Program]
	return n, ok && n.Edit.Median > 0
}

// standInBases says what stand-in base images are, where the README first
// names them: its transcripts print "[stand-in base images]" too.
const standInBases = "No registry was reachable, so `make` used *stand-in base images*: look-alikes of `golang` " +
	"and `alpine` built from a static busybox, the host's Go and its CA bundle ([how](docs/without-a-registry.md)). " +
	"Rungs 1 to 5 run on one, so their sizes differ from the official images'."

// ContextSentence states the build context of each rung with and without
// .dockerignore, each figure once: rungs with the same context are named
// together, and "every rung" when all have it. The page says before it
// that make compare measured it.
func ContextSentence(r measure.Report) (string, bool) {
	if len(r.Rungs) == 0 {
		return "", false
	}
	// Grouped by the figures as printed: a few bytes' difference between
	// two rungs' contexts would otherwise split a group the reader sees as
	// one figure.
	var figures []string // in the rungs' order
	rungs := map[string][]string{}
	for _, g := range r.Rungs {
		f := docker.HumanSize(g.ContextBytes.WithDockerignore) + " / " + docker.HumanSize(g.ContextBytes.WithoutDockerignore)
		if rungs[f] == nil {
			figures = append(figures, f)
		}
		rungs[f] = append(rungs[f], g.Name)
	}
	if len(figures) == 1 {
		with, without, _ := strings.Cut(figures[0], " / ")
		return fmt.Sprintf("Every rung's build context: %s with `.dockerignore`, %s without.", with, without), true
	}
	var parts []string
	for _, f := range figures {
		parts = append(parts, strings.Join(rungs[f], ", ")+" "+f)
	}
	return "Build context with / without `.dockerignore`: " + strings.Join(parts, "; ") + ".", true
}

// RungSentence states one rung's measured rebuilds, compared with the rung
// before it in the report and with the native build. Not its size or cold
// build: the section's transcript, a run of its own, shows those beside it
// (the summary table has make compare's). The build context, the same for
// most rungs, is the context section's (ContextSentence).
func RungSentence(r measure.Report, name string) (string, bool) {
	for i, g := range r.Rungs {
		if g.Name != name {
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "Measured by `make compare`: edit rebuild %s", secs(g.BuildS.Edit))
		var than []string
		if i > 0 {
			than = append(than, fmt.Sprintf("%s: %s", r.Rungs[i-1].Name, secs(r.Rungs[i-1].BuildS.Edit)))
		}
		if n, ok := r.Native[g.Program]; ok {
			than = append(than, "native `go build`: "+secs(n.Edit))
		}
		if len(than) > 0 {
			fmt.Fprintf(&b, " (%s)", strings.Join(than, "; "))
		}
		fmt.Fprintf(&b, "; dependency change %s.", secs(g.BuildS.Dep))
		return b.String(), true
	}
	return "", false
}

// CacheDemoTable states the cache demo's figures as a table, one row per
// mode; SharedBuilderParagraph says the rest of the shared-builder mode.
func CacheDemoTable(d cachedemo.Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Measured by `make cache-demo` on %s (registry: `%s` as a container", d.GeneratedAt.Format("2006-01-02"), d.RegistryImage)
	if d.StandInBases {
		b.WriteString(", stand-in base images")
	}
	b.WriteString("), wall time of `docker build` for the final rung; \"empty builder\" is a builder with none of the demo's cache, as on a new CI runner:\n\n")
	b.WriteString("| Cache export | Cold build | In the registry | Empty builder, nothing changed | Empty builder, one-line edit | Steps CACHED / run after the edit | Packages compiled after the edit |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, m := range d.Modes {
		stored := docker.HumanSize(m.CacheBytes)
		if m.Name == cachedemo.SharedBuilderMode {
			stored = "nothing: the cache stays in the daemon"
		}
		fmt.Fprintf(&b, "| %s | %.1f s | %s | %.1f s (%d of %d steps CACHED) | %.1f s | %d / %d | %d |\n", m.Name, m.ColdS, stored,
			m.EmptyBuilderNoopS, m.NoopSteps.Cached, m.NoopSteps.Cached+m.NoopSteps.Ran, m.EmptyBuilderEditS,
			m.StepsCachedAfterEdit, m.StepsRunAfterEdit, m.PackagesCompiledAfterEdit)
	}
	return b.String()
}

// SharedBuilderParagraph states what the cache demo's shared-builder mode
// found beyond the table: the daemon, what --load and a push cost client
// B, and the connection attempts. It is empty when the demo had no such
// mode.
func SharedBuilderParagraph(d cachedemo.Report) string {
	var b strings.Builder
	if sb := d.SharedBuilder; sb != nil {
		fmt.Fprintf(&b, "In the shared-builder row, client A built cold on a new BuildKit daemon (`%s`, on %s, mutual TLS); "+
			"its \"empty builder\" columns are client B's, a client with a Docker configuration and buildx state of its own that had never built. "+
			"Client B's rebuild after an edit took %.1f s with `--load` (%.1f s of it exporting the image and loading the tarball into the engine), "+
			"and %.1f s pushing the image to the registry instead (%.1f s exporting and pushing %s). "+
			"Connection attempts: a client with the CA's certificate %s; one without a certificate %s; one whose certificate another CA signed %s.\n",
			sb.Image, sb.Endpoint, sb.EditLoadS, sb.LoadExportS, sb.EditPushS, sb.PushExportS, docker.HumanSize(sb.PushedBytes),
			verdict(sb.AcceptedClientCert, "got in", "was refused"),
			verdict(sb.RefusedWithoutClientCert, "was refused ("+sb.WithoutClientCertError+")", "got in"),
			verdict(sb.RefusedOtherCA, "was refused ("+sb.OtherCAError+")", "got in"))
	}
	return b.String()
}

func verdict(ok bool, yes, no string) string {
	if ok {
		return yes
	}
	return no
}
