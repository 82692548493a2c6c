// Package buildlog reads BuildKit's plain progress output: which steps ran,
// which came from the cache, what they printed and how long they took.
package buildlog

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// A Step is one vertex of a BuildKit build, as its plain progress shows it
// (docker build --progress=plain).
type Step struct {
	ID     int
	Name   string // e.g. "[build 2/4] RUN go mod download"
	Cached bool   // the step printed CACHED
	// Pulled: the step printed only blob transfers (sha256:... done,
	// extracting sha256:...): its result came from an imported cache, and
	// BuildKit downloaded the layer instead of printing CACHED.
	Pulled bool
	Done   bool // the step printed DONE
	// Seconds is the step's own duration, from "DONE 0.7s" (0 if CACHED).
	Seconds float64
	Error   bool     // the step printed ERROR
	Output  []string // the step's own output lines, timestamps removed
}

// Progress is what a plain progress log says about a build.
type Progress struct {
	Steps []Step
	// ContextBytes is the build context BuildKit transferred, as it
	// reports it (rounded to its display precision). -1 if not reported.
	ContextBytes int64
}

var (
	stepLine     = regexp.MustCompile(`^#(\d+) (.*)$`)
	outputLine   = regexp.MustCompile(`^\d+\.\d+ (.*)$`)
	contextLine  = regexp.MustCompile(`^transferring context: ([\d.]+)([kMGT]?B)`)
	stepStatuses = regexp.MustCompile(`^(DONE|CACHED|ERROR)\b(?: ([\d.]+)s)?`)
	blobLine     = regexp.MustCompile(`^(extracting )?sha256:[0-9a-f]{64}\b`)
)

// ParseProgress reads the plain progress output of a BuildKit build.
func Parse(r io.Reader) (Progress, error) {
	p := Progress{ContextBytes: -1}
	byID := map[int]*Step{}
	var order []int
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for sc.Scan() {
		m := stepLine.FindStringSubmatch(strings.TrimRight(sc.Text(), "\r"))
		if m == nil {
			continue
		}
		id, _ := strconv.Atoi(m[1])
		rest := m[2]
		st, seen := byID[id]
		if !seen {
			// The first line of a step is its name.
			byID[id] = &Step{ID: id, Name: rest}
			order = append(order, id)
			continue
		}
		if rest == st.Name {
			continue // BuildKit repeats a step's name when its output resumes
		}
		if s := stepStatuses.FindStringSubmatch(rest); s != nil {
			switch s[1] {
			case "DONE":
				st.Done = true
				st.Seconds, _ = strconv.ParseFloat(s[2], 64)
			case "CACHED":
				st.Cached = true
			case "ERROR":
				st.Error = true
			}
			continue
		}
		if c := contextLine.FindStringSubmatch(rest); c != nil && strings.Contains(st.Name, "load build context") {
			n, err := parseSize(c[1], c[2])
			if err != nil {
				return p, err
			}
			p.ContextBytes = n
			continue
		}
		if blobLine.MatchString(rest) {
			st.Pulled = true
			continue
		}
		if o := outputLine.FindStringSubmatch(rest); o != nil {
			st.Output = append(st.Output, o[1])
		}
	}
	if err := sc.Err(); err != nil {
		return p, err
	}
	sort.Ints(order)
	for _, id := range order {
		p.Steps = append(p.Steps, *byID[id])
	}
	return p, nil
}

// parseSize turns BuildKit's "33.99kB" into bytes (SI units, as it prints).
func parseSize(num, unit string) (int64, error) {
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("bad size %q: %w", num+unit, err)
	}
	mult := map[string]float64{"B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12}[unit]
	return int64(f*mult + 0.5), nil
}

// Find returns the first step whose name contains substr.
func (p Progress) Find(substr string) (Step, bool) {
	for _, s := range p.Steps {
		if strings.Contains(s.Name, substr) {
			return s, true
		}
	}
	return Step{}, false
}

// Lists reports whether one of the step's output lines starts with prefix:
// whether `go build -v` compiled a package of a module such as
// github.com/gin-gonic/gin, rather than taking it from GOCACHE.
func (s Step) Lists(prefix string) bool {
	for _, l := range s.Output {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}

// Packages lists the packages `go build -v` compiled: the step's output
// lines without the go command's own messages, such as the "go:
// downloading MODULE VERSION" it prints when the module cache lacks one.
func (s Step) Packages() []string {
	var pkgs []string
	for _, l := range s.Output {
		if !strings.HasPrefix(l, "go: ") {
			pkgs = append(pkgs, l)
		}
	}
	return pkgs
}

// FromCache reports whether a step's result came from a cache: CACHED, or
// pulled from an imported one without running (no output of its own).
func (s Step) FromCache() bool { return s.Cached || (s.Pulled && len(s.Output) == 0) }

// Ran counts the steps that ran (not from a cache) among those named by a
// Dockerfile instruction, leaving out BuildKit's internal steps, FROM and
// named build contexts, which resolve an image rather than run.
func (p Progress) Ran() (ran, cached int) {
	for _, s := range p.Steps {
		if strings.HasPrefix(s.Name, "[internal]") || strings.HasPrefix(s.Name, "[context ") ||
			!strings.HasPrefix(s.Name, "[") || strings.Contains(s.Name, "] FROM ") {
			continue
		}
		if s.FromCache() {
			cached++
		} else {
			ran++
		}
	}
	return ran, cached
}

// Breakdown splits a build's wall time by what BuildKit reports doing. The
// parts are the DONE times of its steps; Other is what is left of the wall
// time: the CLI starting, the session, the solve itself.
type Breakdown struct {
	Context  float64 // load build definition, .dockerignore, build context
	Metadata float64 // base image metadata and named contexts
	GoBuild  float64 // the go build step (its container start included)
	Steps    float64 // every other Dockerfile step
	Export   float64 // exporting to image (layers, manifest, naming; a remote builder's tarball and its import)
	Other    float64
}

// Breakdown splits wall (the build's wall time) by the steps of p.
func (p Progress) Breakdown(wall float64) Breakdown {
	var b Breakdown
	for _, s := range p.Steps {
		switch n := s.Name; {
		case strings.HasPrefix(n, "[internal] load metadata"), strings.HasPrefix(n, "[context "),
			strings.HasPrefix(n, "resolve image config"):
			b.Metadata += s.Seconds
		case strings.HasPrefix(n, "[internal]"):
			b.Context += s.Seconds
		case strings.HasPrefix(n, "exporting"), strings.HasPrefix(n, "writing image"), strings.HasPrefix(n, "naming to"),
			strings.HasPrefix(n, "importing to docker"): // --load from a remote builder: the tarball's import
			b.Export += s.Seconds
		case strings.Contains(n, "go build"):
			b.GoBuild += s.Seconds
		case strings.HasPrefix(n, "["):
			b.Steps += s.Seconds
		}
	}
	b.Other = max(0, wall-b.Context-b.Metadata-b.GoBuild-b.Steps-b.Export)
	return b
}
