package measure

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-docker/go-docker/ladder/internal/docker"
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

// peerState is what a run keeps for its peers.
type peerState struct {
	dockerInit string   // the docker init Dockerfile, adapted for stand-ins if needed
	aliases    []string // --build-context flags for its bases, with stand-ins
	koBin      string
	koBase     string // base image tag, ko.local/...
	koHost     string
	koGoCache  string
	koModCache string
	koRefs     []string // every image reference ko loaded
}

// koRepo is the name ko loads the ko peer's images under: ko.local/ is
// ko's name for "the engine, not a registry".
const koRepo = "ko.local/go-docker-peer-ko"

// preparePeers installs ko and builds its base image, and reads the docker
// init Dockerfile from the copy. Nothing here is timed.
func (m *measurer) preparePeers() error {
	for _, p := range m.Peers {
		switch p.Name {
		case peers.DockerInit:
			b, err := os.ReadFile(filepath.Join(m.dir, p.Dockerfile))
			if err != nil {
				return err
			}
			m.peer.dockerInit = string(b)
			if m.Docker.StandInBases() {
				if m.peer.dockerInit, err = peers.AdaptForStandIns(m.peer.dockerInit); err != nil {
					return err
				}
				m.peer.aliases = peers.StandInAliases(m.Docker.BaseFlags, m.GoVersion, m.AlpineVersion)
			}
		case peers.Ko:
			m.say("peer:ko", "setup", 0, 0, "building ko "+peers.KoVersion+" from "+peers.KoDir+"/go.mod")
			m.peer.koBin = filepath.Join(m.tmp, "ko")
			if err := peers.InstallKo(m.ctx, m.Repo, m.peer.koBin); err != nil {
				return err
			}
			m.peer.koBase = "ko.local/go-docker-peer-ko-base:compare-" + m.runID
			if _, err := m.Docker.Build(m.ctx, docker.BuildOptions{
				Dir: m.dir, Dockerfile: peers.KoBaseDockerfile, Tag: m.peer.koBase,
				BuildArgs: map[string]string{"GO_VERSION": m.GoVersion},
				LogFile:   filepath.Join(m.logs, "peer-ko-base.log"),
			}); err != nil {
				return fmt.Errorf("ko's base image: %w", err)
			}
			m.remember(m.peer.koBase)
			var err error
			if m.peer.koHost, err = m.Docker.Host(m.ctx); err != nil {
				return err
			}
			m.peer.koGoCache = filepath.Join(m.tmp, "ko-gocache")
			m.peer.koModCache = filepath.Join(m.tmp, "ko-gomodcache")
		}
	}
	return nil
}

// scopePeers writes the docker init Dockerfile with its cache mounts
// given ids under scope (see peers.ScopeCacheMounts).
func (m *measurer) scopePeers(scope string) error {
	for _, p := range m.Peers {
		if p.Name == peers.DockerInit {
			if err := os.WriteFile(filepath.Join(m.dir, p.Dockerfile), []byte(peers.ScopeCacheMounts(m.peer.dockerInit, scope)), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// peerTag is the image a peer's builds in this run are tagged with.
func (m *measurer) peerTag(p peers.Peer) string {
	if p.Name == peers.Ko {
		return koRepo + ":compare-" + m.runID
	}
	return "go-docker-peer-" + p.Name + ":compare-" + m.runID
}

// buildPeer builds one peer in the copy and returns the wall time. A cold
// build starts from empty caches: --no-cache and fresh cache-mount ids for
// docker init, an empty GOCACHE and GOMODCACHE for ko.
func (m *measurer) buildPeer(p peers.Peer, scenario string, run int, cold bool) (float64, error) {
	name := "peer:" + p.Name
	m.say(name, scenario, run, m.Runs, "")
	logFile := m.logFile("peer-"+p.Name, scenario, run)
	var secs float64
	switch p.Name {
	case peers.DockerInit:
		res, err := m.Docker.Build(m.ctx, docker.BuildOptions{
			Dir: m.dir, Dockerfile: p.Dockerfile, Tag: m.peerTag(p), NoCache: cold,
			BuildArgs: map[string]string{"GO_VERSION": m.GoVersion}, ExtraFlags: m.peer.aliases, LogFile: logFile,
		})
		if err != nil {
			return 0, fmt.Errorf("%s %s run %d: %w", name, scenario, run, err)
		}
		if cold {
			if b, ok := res.Find("go build"); !ok || b.Cached {
				return 0, fmt.Errorf("%s: the cold build was not cold (its go build step did not run); see %s", name, logFile)
			}
		}
		secs = res.Duration.Seconds()
	case peers.Ko:
		if cold {
			for _, d := range []string{m.peer.koGoCache, m.peer.koModCache} {
				if err := removeAll(d); err != nil {
					return 0, err
				}
			}
		}
		ref, d, err := peers.KoRun{
			Bin: m.peer.koBin, Dir: m.dir, Repo: koRepo, Tag: "compare-" + m.runID, Base: m.peer.koBase,
			GoCache: m.peer.koGoCache, GoModCache: m.peer.koModCache, DockerHost: m.peer.koHost, LogFile: logFile,
		}.Run(m.ctx)
		if ref != "" {
			m.peer.koRefs = append(m.peer.koRefs, ref)
		}
		if err != nil {
			return 0, fmt.Errorf("%s %s run %d: %w", name, scenario, run, err)
		}
		secs = d.Seconds()
	default:
		return 0, fmt.Errorf("unknown peer %q", p.Name)
	}
	m.remember(m.peerTag(p))
	m.say(name, scenario, run, m.Runs, fmt.Sprintf("%.1f s", secs))
	return secs, nil
}

// inspectPeer fills in the image a peer built from unedited sources.
func (m *measurer) inspectPeer(res *PeerResult, p peers.Peer) error {
	var err error
	res.Layers, res.SizeBytes, _, err = m.imageFacts(m.peerTag(p))
	res.Size = docker.HumanSize(res.SizeBytes)
	return err
}

// peerRefs lists every tag the peers' builds made, for cleanup.
func (m *measurer) peerRefs() []string {
	var refs []string
	for _, p := range m.Peers {
		refs = append(refs, m.peerTag(p))
	}
	refs = append(refs, m.peer.koRefs...)
	if m.peer.koBase != "" {
		refs = append(refs, m.peer.koBase)
	}
	return refs
}

// removeAll removes a tree the go command wrote: its module cache is
// read-only, so each folder is made writable first.
func removeAll(dir string) error {
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(path, 0o755)
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("emptying %s: %w", dir, err)
	}
	return nil
}

// peerAdapted says what a run changed in a peer on this machine.
func (m *measurer) peerAdapted(p peers.Peer) string {
	var notes []string
	if p.Name == peers.DockerInit && m.Docker.StandInBases() {
		notes = append(notes, peers.StandInSteps)
	}
	if p.Name == peers.Ko {
		notes = append(notes, "base image built locally from "+peers.KoBaseDockerfile+" and read from the engine (ko.local), in place of ko's default base from a registry; no SBOM")
	}
	return strings.Join(notes, "; ")
}
