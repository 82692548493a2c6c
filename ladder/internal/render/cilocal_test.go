package render

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/cilocal"
)

// The ci-local block gets where its figures come from and a row per
// step. No report, a failed run or one on changes not committed is an
// error that names the command to run, and leaves the page as it was.
func TestReplaceCILocal(t *testing.T) {
	out := t.TempDir()
	page := "a\n<!-- ci-local:test -->\nSTALE\n<!-- /ci-local -->\nb\n"
	if _, err := replaceCILocal(page, out); err == nil || !strings.Contains(err.Error(), "run make ci-local JOB=test") {
		t.Errorf("no report: got %v", err)
	}
	r := cilocal.Report{Machine: cilocal.Machine{GeneratedAt: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC), CPUs: 2, OSArch: "linux/amd64", StandInBases: true},
		Commit: "0123456789abcdef", Job: "test", UID: 999, Groups: []string{"ci", "docker"}, Passed: true, Seconds: 1032,
		Steps: []cilocal.Step{{Name: "actions/checkout@v4.2.2", Seconds: 0.25, Passed: true}, {Name: "make test", Seconds: 984, Passed: true}}}
	save := func(r cilocal.Report) {
		t.Helper()
		if err := r.Save(filepath.Join(out, "ci-local")); err != nil {
			t.Fatal(err)
		}
	}
	save(r)
	s, err := replaceCILocal(page, out)
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.ReplaceAll(s, "\n", " ")
	for _, want := range []string{"`make ci-local JOB=test` on 2026-12-06 (2 CPUs, linux/amd64) at commit 0123456",
		"a user other than root (uid 999) in the docker group", "stand-in base images", "The test job passed in 17.2 min",
		"| actions/checkout@v4.2.2 | 0.2 s |", "| make test | 16.4 min |", "| The rest: act's setup, the actions' post steps | 47.8 s |"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the block lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "STALE") || !strings.HasSuffix(s, "<!-- /ci-local -->\nb\n") {
		t.Errorf("the block's old text stays, or what follows it changed:\n%s", s)
	}
	// Root, outside the docker group, on the official bases: none of
	// the other run's words.
	root := r
	root.UID, root.Groups, root.StandInBases = 0, []string{"root"}, false
	save(root)
	if s, err = replaceCILocal(page, out); err != nil {
		t.Fatal(err)
	}
	flat = strings.ReplaceAll(s, "\n", " ")
	if !strings.Contains(flat, "at commit 0123456, as root. The test job") || strings.Contains(flat, "docker group") || strings.Contains(flat, "stand-in") {
		t.Errorf("a run as root on the official bases:\n%s", s)
	}
	staff := root
	staff.UID, staff.Groups = 501, []string{"staff"}
	save(staff)
	if s, err = replaceCILocal(page, out); err != nil {
		t.Fatal(err)
	}
	if flat = strings.ReplaceAll(s, "\n", " "); !strings.Contains(flat, "(uid 501). The test job") {
		t.Errorf("a user outside the docker group:\n%s", s)
	}
	for name, bad := range map[string]cilocal.Report{
		"no commit":     {Job: "test", Passed: true},
		"failed":        {Job: "test", Failure: "make test failed", Commit: r.Commit},
		"not committed": {Job: "test", Passed: true, Dirty: true, Commit: r.Commit},
	} {
		save(bad)
		if got, err := replaceCILocal(page, out); err == nil || !strings.Contains(err.Error(), "JOB=test") || got != page {
			t.Errorf("%s: got %v, the page changed: %v", name, err, got != page)
		}
	}
}
