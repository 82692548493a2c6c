package render

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/go-docker/go-docker/ladder/internal/cilocal"
)

// <!-- ci-local:JOB -->...<!-- /ci-local -->: the last run of make
// ci-local JOB=JOB, out/ci-local/JOB.json.
var ciLocalBlock = regexp.MustCompile(`(?s)(<!-- ci-local:([a-z-]+) -->)(.*?)(<!-- /ci-local -->)`)

// replaceCILocal fills every ci-local block of s from the job's report in
// out; a job that has no report, or whose last run failed, is an error
// that names the command to run.
func replaceCILocal(s, out string) (string, error) {
	var err error
	s = ciLocalBlock.ReplaceAllStringFunc(s, func(block string) string {
		m := ciLocalBlock.FindStringSubmatch(block)
		var r cilocal.Report
		if e := readResult(out, filepath.Join("ci-local", m[2]+".json"), "make ci-local JOB="+m[2], &r); e != nil {
			err = e
			return block
		}
		text, e := ciLocalText(r)
		if e != nil {
			err = e
			return block
		}
		return m[1] + "\n" + text + m[4]
	})
	return s, err
}

// ciLocalText is where the figures come from, then one row per step.
func ciLocalText(r cilocal.Report) (string, error) {
	target := "make ci-local JOB=" + r.Job
	switch {
	case !r.Passed:
		return "", fmt.Errorf("out/ci-local/%s.json: the last %s failed (%q; log: out/ci-local/logs/%s.log): fix it and run %s again", r.Job, target, r.Failure, r.Job, target)
	case r.Dirty:
		return "", fmt.Errorf("out/ci-local/%s.json: the last %s ran on changes not committed: commit them and run %s again", r.Job, target, target)
	case r.Commit == "":
		return "", fmt.Errorf("out/ci-local/%s.json names no commit: run %s again", r.Job, target)
	}
	who := "as root"
	if r.UID != 0 {
		who = fmt.Sprintf("as a user other than root (uid %d)", r.UID)
		if slices.Contains(r.Groups, "docker") {
			who += " in the docker group"
		}
	}
	src := fmt.Sprintf("Measured by `%s` %s at commit %s, %s", target, measuredOn(r.GeneratedAt, r.CPUs, r.OSArch), shortCommit(r.Commit), who)
	if r.StandInBases {
		src += "; stand-in base images"
	}
	src += fmt.Sprintf(". The %s job passed in %s, from act's start to its exit.", r.Job, duration(r.Seconds))
	var b strings.Builder
	b.WriteString(Wrap(src) + "\n\n| Step | Time |\n|---|---:|\n")
	rest := r.Seconds
	for _, st := range r.Steps {
		fmt.Fprintf(&b, "| %s | %s |\n", strings.ReplaceAll(st.Name, "|", `\|`), duration(st.Seconds))
		rest -= st.Seconds
	}
	fmt.Fprintf(&b, "| The rest: act's setup, the actions' post steps | %s |\n", duration(max(rest, 0)))
	return b.String(), nil
}

// duration is seconds as a reader takes them in: seconds below two
// minutes, minutes above.
func duration(s float64) string {
	if s < 120 {
		return fmt.Sprintf("%.1f s", s)
	}
	return fmt.Sprintf("%.1f min", s/60)
}
