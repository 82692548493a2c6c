package measure

import (
	"slices"
	"time"
)

// SchemaVersion is the version of the out/compare.json layout, documented
// in docs/reference.md and in compare.schema.json.
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
	// Peers are what readers would use instead of the production rung,
	// measured in the same run (make compare PEERS=none leaves them out).
	Peers []PeerResult `json:"peers,omitempty"`
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
	Number            int        `json:"number"` // its place in the catalogue: "Rung N"
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
	// EditBreakdownS splits the edit rebuilds' wall time (of make) by what
	// BuildKit reports (medians of each part; see Progress.Breakdown), and
	// what make adds.
	EditBreakdownS EditBreakdown `json:"edit_breakdown_s"`
	ContextBytes   ContextBytes  `json:"context_bytes"`
	// ColdCheck records what the cold builds' logs showed.
	ColdCheck ColdCheck `json:"cold_check"`
}

// Rung returns the row of the rung called name, if the report measured
// it: the production rung's (repo.Production) is the one the figures and
// the peers are compared with.
func (r Report) Rung(name string) (RungResult, bool) {
	for _, g := range r.Rungs {
		if g.Name == name {
			return g, true
		}
	}
	return RungResult{}, false
}

// EditBreakdown is where an edit rebuild's wall time goes.
type EditBreakdown struct {
	Context  Stats `json:"context"`
	Metadata Stats `json:"metadata"`
	GoBuild  Stats `json:"go_build_step"`
	Steps    Stats `json:"other_steps"`
	Export   Stats `json:"export"`
	Other    Stats `json:"cli_and_session"`
	// Make is what `make <rung>` adds around the docker build: its checks,
	// the size read, the printed line.
	Make Stats `json:"make"`
}

// BuildTimes are wall times per scenario of the command a reader types:
// `make <rung>` for a rung, `docker build` or `ko build` for a peer.
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
