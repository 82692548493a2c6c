package measure

import (
	"fmt"

	"github.com/go-docker/go-docker/ladder/internal/peers"
)

// PeerResult is one peer's row: what a reader would use instead of the
// ladder, measured in the same run and scenarios as the rungs.
type PeerResult struct {
	Name       string `json:"name"`
	Summary    string `json:"summary"`
	Dockerfile string `json:"dockerfile,omitempty"`
	Image      string `json:"image"`
	SizeBytes  int64  `json:"size_bytes"`
	Size       string `json:"size"`
	Layers     int    `json:"layers"`
	// BuildS are wall times: of `docker build` for a Dockerfile, of
	// `ko build` (go build on the host, then loading the image) for ko.
	BuildS BuildTimes `json:"build_s"`
	// Adapted says what this machine made the run change, if anything.
	Adapted string `json:"adapted,omitempty"`
}

// preparePeers sets every peer up for this run, in the copy. Nothing here
// is timed.
func (m *measurer) preparePeers() error {
	env := peers.Env{Docker: m.Docker, Repo: m.Repo, Dir: m.dir, Tmp: m.tmp, Logs: m.logs, RunID: m.runID,
		GoVersion: m.GoVersion, AlpineVersion: m.AlpineVersion}
	for _, p := range m.Peers {
		env.Say = func(msg string) { m.say("peer:"+p.Name, "setup", 0, 0, msg) }
		r, err := p.Prepare(m.ctx, env)
		if err != nil {
			return err
		}
		m.peers = append(m.peers, r)
		for _, ref := range r.Refs() {
			m.remember(ref)
		}
	}
	return nil
}

// buildPeer builds one peer in the copy and returns the wall time.
func (m *measurer) buildPeer(p peers.Peer, r peers.Runner, scenario string, run int, cold bool) (float64, error) {
	name := "peer:" + p.Name
	m.say(name, scenario, run, m.Runs, "")
	d, err := r.Build(m.ctx, cold, m.logFile("peer-"+p.Name, scenario, run))
	if err != nil {
		return 0, fmt.Errorf("%s %s run %d: %w", name, scenario, run, err)
	}
	m.remember(r.Tag())
	m.say(name, scenario, run, m.Runs, fmt.Sprintf("%.1f s", d.Seconds()))
	return d.Seconds(), nil
}
