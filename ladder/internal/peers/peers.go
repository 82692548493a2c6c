// Package peers knows what a Go developer would use instead of the ladder's
// final rung, so make compare can measure them in the same run: the
// Dockerfile `docker init` generates for Go (peers/docker-init.Dockerfile)
// and ko (configured by peers/ko/). Both build the dependencies program.
package peers

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Program is the Go package every peer builds: the ladder's gin program.
const Program = "dependencies"

// A Peer is one way to build the program's image without the ladder.
type Peer struct {
	Name string
	// Dockerfile is the peer's Dockerfile relative to the repository root;
	// empty for ko, which needs none.
	Dockerfile string
	// Summary says what it is, for the report.
	Summary string
	// prepare sets the peer up for one measuring run (see Prepare).
	prepare func(ctx context.Context, p Peer, env Env) (Runner, error)
}

// Names of the peers.
const (
	DockerInit = "docker-init"
	Ko         = "ko"
)

// All lists the peers in the order reports show them.
var All = []Peer{
	{Name: DockerInit, Dockerfile: "peers/docker-init.Dockerfile",
		Summary: "the Dockerfile docker init generates for Go: module cache mount, no build cache mount, Alpine runtime",
		prepare: prepareDockerInit},
	{Name: Ko, Summary: "ko " + KoVersion + ": go build on the host with its caches, the binary layered on a base image, loaded into the engine",
		prepare: prepareKo},
}

// Select returns the peers named in a comma-separated list, in the order
// of All. "" and "none" select none; "all" selects every one.
func Select(list string) ([]Peer, error) {
	list = strings.TrimSpace(list)
	switch list {
	case "", "none":
		return nil, nil
	case "all":
		return slices.Clone(All), nil
	}
	want := map[string]bool{}
	for _, n := range strings.Split(list, ",") {
		n = strings.TrimSpace(n)
		if !slices.ContainsFunc(All, func(p Peer) bool { return p.Name == n }) {
			return nil, fmt.Errorf("unknown peer %q: use some of %s, all or none", n, strings.Join(Names(), ","))
		}
		want[n] = true
	}
	var out []Peer
	for _, p := range All {
		if want[p.Name] {
			out = append(out, p)
		}
	}
	return out, nil
}

// Names lists the names of All.
func Names() []string {
	var ns []string
	for _, p := range All {
		ns = append(ns, p.Name)
	}
	return ns
}
