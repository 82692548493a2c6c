// Package cicompare measures the workflow's image job under a local
// runner (package cilocal) with three ways to keep a cache between
// runners: BuildKit's layer cache in the Actions cache alone, the same
// with the cache mounts carried through the Actions cache
// (scripts/cache-mounts.sh), and a shared builder. Each runs the job
// twice, cold then after a one-line edit, the edit committed so that the
// second run is a new commit as on CI. make ci-compare writes its report
// to out/ci-compare.json; make readme renders it into docs/ci.md.
package cicompare

import "github.com/go-docker/go-docker/ladder/internal/cilocal"

// Report is out/ci-compare.json.
type Report struct {
	cilocal.Machine
	Commit  string   `json:"commit"` // the commit whose workflow ran
	Options []Option `json:"options"`
}

// An Option is one way to keep a cache, and its two runs.
type Option struct {
	Name string            `json:"name"`
	Vars map[string]string `json:"vars"` // the repository variables it sets
	Cold Job               `json:"cold"`
	Edit Job               `json:"edit"`
	// ActionsCacheBytes: what the Actions cache held after the edit run.
	ActionsCacheBytes int64 `json:"actions_cache_bytes"`
}

// Job is one run of the image job.
type Job struct {
	Seconds      float64 `json:"seconds"`       // the whole job, as act ran it
	BuildSeconds float64 `json:"build_seconds"` // its build step
	// CarrySeconds: the steps that carry the cache mounts (restore, copy
	// in, copy out, save), together.
	CarrySeconds float64 `json:"carry_seconds"`
	// Packages is how many packages go build compiled for linux/amd64
	// (the same again for linux/arm64).
	Packages int `json:"packages"`
}
