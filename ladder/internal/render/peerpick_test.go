package render

import (
	"slices"
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/peers"
)

// Every peer make compare measures has its sentence in README.md's "How
// it compares", and no sentence speaks of a peer that is not measured: a
// peer added to peers.All without one fails here, instead of being left out
// of the table's advice without a word.
func TestEveryPeerHasItsPick(t *testing.T) {
	for _, name := range peers.Names() {
		if _, ok := peerPick[name]; !ok {
			t.Errorf("peer %q has no sentence in render.peerPick: add when a reader should pick it", name)
		}
	}
	for name := range peerPick {
		if !slices.Contains(peers.Names(), name) {
			t.Errorf("render.peerPick speaks of %q, which is not in peers.All", name)
		}
	}
}
