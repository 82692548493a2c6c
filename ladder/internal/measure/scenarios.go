package measure

import (
	"fmt"
	"os"

	"github.com/go-docker/go-docker/ladder/internal/names"
	"github.com/go-docker/go-docker/ladder/internal/peers"
)

// MaxRuns is the largest RUNS the dep scenario supports: each run adds a
// version of DepModule that no earlier run used, so that no layer cache
// can answer it.
var MaxRuns = len(depVersions)

// DepModule is the small module the dep scenario adds to go.mod and uses.
const DepModule = "github.com/google/uuid"

var depVersions = []string{"v1.6.0", "v1.5.0", "v1.4.0", "v1.3.1", "v1.3.0", "v1.2.0", "v1.1.5", "v1.1.4"}

// A scenario is one row of the report's build times. Every scenario builds
// every rung and then every peer once per run, in round.
type scenario struct {
	name string
	cold bool // --no-cache (rungs, docker init) or emptied caches (ko)
	edit bool // edit the program before each build
	// before runs at the start of each run; after at its end, once rungs
	// and peers are built.
	before, after func(run int) error
	// rung records more than the wall time from a rung's build.
	rung func(i, run int, res rungBuild) error
}

// runScenario runs s Runs times.
func (m *measurer) runScenario(s scenario) error {
	for run := 1; run <= m.Runs; run++ {
		if s.before != nil {
			if err := s.before(run); err != nil {
				return err
			}
		}
		if err := m.round(s, run); err != nil {
			return err
		}
		if s.after != nil {
			if err := s.after(run); err != nil {
				return err
			}
		}
	}
	return nil
}

// round builds every rung, then every peer, once, in one scenario. Rounds
// alternate the subjects, so drift of the machine falls on all alike.
func (m *measurer) round(s scenario, run int) error {
	for i, r := range m.Rungs {
		if s.edit {
			if err := m.editProgram(r.Program); err != nil {
				return err
			}
		}
		res, err := m.build(r, s.name, run, m.dir, s.cold)
		if err != nil {
			return err
		}
		m.samples.add(rungKey(r.Name), s.name, res.Duration.Seconds())
		if s.rung != nil {
			if err := s.rung(i, run, res); err != nil {
				return err
			}
		}
	}
	for i, p := range m.Peers {
		if s.edit {
			if err := m.editProgram(peers.Program); err != nil {
				return err
			}
		}
		secs, err := m.buildPeer(p, m.peers[i], s.name, run, s.cold)
		if err != nil {
			return err
		}
		m.samples.add(peerKey(p.Name), s.name, secs)
	}
	return nil
}

// cold: each run gets fresh cache-mount ids and --no-cache; the native
// floor gets an empty GOCACHE. The last run's log must show the work done.
func (m *measurer) cold() error {
	return m.runScenario(scenario{name: "cold", cold: true,
		before: func(run int) error { return m.setScope(fmt.Sprintf("%scmp%s-%d-", names.CacheIDPrefix, m.runID, run)) },
		rung: func(i, run int, res rungBuild) error {
			if run < m.Runs {
				return nil
			}
			r := m.Rungs[i]
			var err error
			if m.rep.Rungs[i].ColdCheck, err = coldCheck(r, res.Progress); err != nil {
				return fmt.Errorf("%s: the cold build was not cold (%v); see %s", r.Name, err, m.logFile(r.Name, "cold", run))
			}
			return nil
		},
		after: func(run int) error {
			for _, p := range m.programs() {
				os.RemoveAll(m.gocache)
				if err := m.native(p, "cold", run); err != nil {
					return err
				}
			}
			return nil
		},
	})
}

// noop: nothing changed since the last build.
func (m *measurer) noop() error {
	return m.runScenario(scenario{name: "noop"})
}

// edit: one line of the program changed, differently each time; the
// native floor edits and rebuilds too, first, with a warm GOCACHE.
func (m *measurer) edit() error {
	for _, p := range m.programs() {
		if err := m.native(p, "warm", 0); err != nil {
			return err
		}
	}
	return m.runScenario(scenario{name: "edit", edit: true,
		before: func(run int) error {
			for _, p := range m.programs() {
				if err := m.editProgram(p); err != nil {
					return err
				}
				if err := m.native(p, "edit", run); err != nil {
					return err
				}
			}
			return nil
		},
		rung: func(i, run int, res rungBuild) error {
			k := rungKey(m.Rungs[i].Name)
			if st, ok := res.Find("go build"); ok && st.Done {
				m.samples.add(k, "edit-step", st.Seconds)
			}
			// BuildKit's parts of the docker build, then what make adds.
			b := res.Breakdown(res.DockerSeconds)
			for part, v := range map[string]float64{"bd-context": b.Context, "bd-metadata": b.Metadata, "bd-gobuild": b.GoBuild,
				"bd-steps": b.Steps, "bd-export": b.Export, "bd-other": b.Other,
				"bd-make": res.Duration.Seconds() - res.DockerSeconds} {
				m.samples.add(k, part, v)
			}
			return nil
		},
	})
}

// dep: each run adds a version of DepModule no earlier run used.
func (m *measurer) dep() error {
	return m.runScenario(scenario{name: "dep",
		before: func(run int) error {
			if run > len(depVersions) {
				return fmt.Errorf("RUNS=%d: the dep scenario has %d versions to add (see Config.Validate)", m.Runs, len(depVersions))
			}
			return m.addDependency(depVersions[run-1])
		}})
}
