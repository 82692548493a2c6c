package render

import (
	"strings"
	"testing"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/cicompare"
	"github.com/go-docker/go-docker/ladder/internal/cilocal"
)

// The ci-compare block gets the source sentence and a row per option;
// no options is an error that names make ci-compare.
func TestReplaceCICompare(t *testing.T) {
	r := cicompare.Report{Machine: cilocal.Machine{GeneratedAt: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC), CPUs: 2, OSArch: "linux/amd64", StandInBases: true},
		Commit: "0123456789abcdef", Options: []cicompare.Option{
			{Name: "layer cache (type=gha)", Cold: cicompare.Job{Seconds: 62.8}, Edit: cicompare.Job{Seconds: 69.1, BuildSeconds: 62.6, Packages: 308}, ActionsCacheBytes: 80e6},
			{Name: "layer cache and cache mounts carried", Edit: cicompare.Job{Seconds: 57.9, BuildSeconds: 19.4, CarrySeconds: 30.4, Packages: 1}},
		}}
	s, err := replaceCICompare("a\n<!-- ci-compare -->\nSTALE\n<!-- /ci-compare -->\nb\n", r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"on 2026-12-06 (2 CPUs, linux/amd64)", "commit 0123456", "stand-in base images",
		"| layer cache (type=gha) | 62.8 s | 69.1 s | 62.6 s | 308 | – | 80.0 MB |",
		"| layer cache and cache mounts carried | 0.0 s | 57.9 s | 19.4 s | 1 | 30.4 s | 0.0 MB |"} {
		if !strings.Contains(s, want) {
			t.Errorf("the block lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "STALE") || !strings.HasSuffix(s, "<!-- /ci-compare -->\nb\n") {
		t.Errorf("the block's old text stays, or what follows it changed:\n%s", s)
	}
	if _, err := replaceCICompare("<!-- ci-compare --><!-- /ci-compare -->", cicompare.Report{}); err == nil || !strings.Contains(err.Error(), "make ci-compare") {
		t.Errorf("no options: got %v", err)
	}
}
