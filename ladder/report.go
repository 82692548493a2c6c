package ladder

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// SchemaVersion is the version of the out/compare.json layout, documented
// in README.md and in compare.schema.json.
const SchemaVersion = 1

// Report is out/compare.json.
type Report struct {
	SchemaVersion int         `json:"schema_version"`
	GeneratedAt   time.Time   `json:"generated_at"`
	Runs          int         `json:"runs"`
	Environment   Environment `json:"environment"`
	// CacheReset says how cold builds were made cold.
	CacheReset string            `json:"cache_reset"`
	Native     map[string]Native `json:"native"`
	Rungs      []RungResult      `json:"rungs"`
	Notes      []string          `json:"notes,omitempty"`
}

// Environment is the machine and tools a report was measured with.
type Environment struct {
	DockerClient string `json:"docker_client"`
	DockerServer string `json:"docker_server"`
	BuildKit     string `json:"buildkit"`
	Go           string `json:"go"`
	CPUs         int    `json:"cpus"`
	OSArch       string `json:"os_arch"`
	StandInBases bool   `json:"stand_in_bases"`
}

// Native is the floor: go build on the host with the final rung's flags.
type Native struct {
	Cold Stats `json:"cold"`
	Edit Stats `json:"edit"`
}

// RungResult is one rung's row.
type RungResult struct {
	Name              string     `json:"name"`
	Dockerfile        string     `json:"dockerfile"`
	Program           string     `json:"program"`
	Image             string     `json:"image"`
	SizeBytes         int64      `json:"size_bytes"`
	Size              string     `json:"size"`
	Layers            int        `json:"layers"`
	LargestLayerBytes int64      `json:"largest_layer_bytes"`
	BuildS            BuildTimes `json:"build_s"`
	// EditBuildStepS is the go build step's own time in the edit builds,
	// as BuildKit reports it: the rest of build_s.edit is Docker's overhead.
	EditBuildStepS Stats `json:"edit_build_step_s"`
	// EditBreakdownS splits the edit rebuilds' wall time by what BuildKit
	// reports (medians of each part; see Progress.Breakdown).
	EditBreakdownS EditBreakdown `json:"edit_breakdown_s"`
	ContextBytes   ContextBytes  `json:"context_bytes"`
	// ColdCheck records what the cold builds' logs showed.
	ColdCheck ColdCheck `json:"cold_check"`
}

// EditBreakdown is where an edit rebuild's wall time goes.
type EditBreakdown struct {
	Context  Stats `json:"context"`
	Metadata Stats `json:"metadata"`
	GoBuild  Stats `json:"go_build_step"`
	Steps    Stats `json:"other_steps"`
	Export   Stats `json:"export"`
	Other    Stats `json:"cli_and_session"`
}

// BuildTimes are the wall times of `docker build` per scenario.
type BuildTimes struct {
	Cold Stats `json:"cold"`
	Noop Stats `json:"noop"`
	Edit Stats `json:"edit"`
	Dep  Stats `json:"dep"`
}

// ContextBytes is the build context BuildKit reported transferring.
type ContextBytes struct {
	WithDockerignore    int64 `json:"with_dockerignore"`
	WithoutDockerignore int64 `json:"without_dockerignore"`
}

// ColdCheck is evidence that a cold build was cold.
type ColdCheck struct {
	StepsRun          int   `json:"steps_run"`
	StepsCached       int   `json:"steps_cached"`
	ModulesDownloaded bool  `json:"modules_downloaded"`
	GinCompiled       *bool `json:"gin_compiled,omitempty"`
}

// Stats summarises repeated timings, in seconds.
type Stats struct {
	Median  float64   `json:"median"`
	Min     float64   `json:"min"`
	Max     float64   `json:"max"`
	Samples []float64 `json:"samples"`
}

// NewStats computes median, min and max of samples (seconds, rounded to ms).
// The median of an even count is the mean of the middle two.
func NewStats(samples []float64) Stats {
	if len(samples) == 0 {
		return Stats{}
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	n := len(s)
	med := s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	r := func(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }
	out := Stats{Median: r(med), Min: r(s[0]), Max: r(s[n-1])}
	for _, v := range samples {
		out.Samples = append(out.Samples, r(v))
	}
	return out
}

// Markdown renders the report as the table README.md shows.
func (r Report) Markdown() string {
	var b strings.Builder
	env := r.Environment
	fmt.Fprintf(&b, "Measured by `make compare RUNS=%d` on %s: %d CPUs, %s, Docker %s (engine %s, BuildKit %s), %s.\n",
		r.Runs, r.GeneratedAt.UTC().Format("2006-01-02"), env.CPUs, env.OSArch, env.DockerClient, env.DockerServer, env.BuildKit, env.Go)
	if env.StandInBases {
		b.WriteString("**Stand-in base images were used** (no registry was reachable): sizes of `simple` and of the Alpine rungs differ from the real `golang` and `alpine` images.\n")
	} else {
		b.WriteString("The real base images were used.\n")
	}
	fmt.Fprintf(&b, "Times are medians of %d runs, in seconds, of the whole `docker build`. Cold: %s.\n\n", r.Runs, r.CacheReset)

	b.WriteString("| Rung | Image size | × previous | Layers | Cold build | No-op | Edit | Edit × native | Dep change | Context with / without .dockerignore |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for i, g := range r.Rungs {
		prev := "–"
		if i > 0 && r.Rungs[i-1].SizeBytes > 0 {
			prev = fmt.Sprintf("%.2f×", float64(g.SizeBytes)/float64(r.Rungs[i-1].SizeBytes))
		}
		native := "–"
		if n, ok := r.Native[g.Program]; ok && n.Edit.Median > 0 {
			native = fmt.Sprintf("%.1f×", g.BuildS.Edit.Median/n.Edit.Median)
		}
		fmt.Fprintf(&b, "| [%s](%s) | %s | %s | %d | %s | %s | %s | %s | %s | %s / %s |\n",
			g.Name, g.Dockerfile, HumanSize(g.SizeBytes), prev, g.Layers,
			secs(g.BuildS.Cold), secs(g.BuildS.Noop), secs(g.BuildS.Edit), native, secs(g.BuildS.Dep),
			HumanSize(g.ContextBytes.WithDockerignore), HumanSize(g.ContextBytes.WithoutDockerignore))
	}
	b.WriteString("\nNative floor (`go build` on the host, the final rung's flags):")
	for _, p := range slices.Sorted(maps.Keys(r.Native)) {
		n := r.Native[p]
		fmt.Fprintf(&b, " `./%s` cold %s, edit %s;", p, secs(n.Cold), secs(n.Edit))
	}
	s := strings.TrimSuffix(b.String(), ";") + ".\n"
	for _, g := range r.Rungs {
		if g.Name != "final" || g.EditBuildStepS.Median <= 0 {
			continue
		}
		d := g.EditBreakdownS
		ms := func(s Stats) string { return fmt.Sprintf("%.2f s", s.Median) }
		s += fmt.Sprintf("\nWhere the final rung's edit rebuild (%s) goes, as BuildKit reports it: the `go build` step %s "+
			"(its container start included), other steps %s, context transfer %s, base image metadata %s, image export %s, "+
			"and %s in the Docker CLI, the session and the solve.", ms(g.BuildS.Edit), ms(d.GoBuild), ms(d.Steps),
			ms(d.Context), ms(d.Metadata), ms(d.Export), ms(d.Other))
		if n, ok := r.Native[g.Program]; ok && n.Edit.Median > 0 {
			s += fmt.Sprintf(" A native incremental `go build` takes %s, so the step spends about %.2f s more than the compile alone: "+
				"the step's container, its mounts and BuildKit's bookkeeping.", ms(n.Edit), max(0, d.GoBuild.Median-n.Edit.Median))
		}
		s += "\n"
	}
	return s
}

func secs(s Stats) string {
	switch {
	case s.Median >= 10:
		return fmt.Sprintf("%.0f s", s.Median)
	default:
		return fmt.Sprintf("%.1f s", s.Median)
	}
}
