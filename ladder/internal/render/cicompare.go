package render

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/cicompare"
)

// <!-- ci-compare -->...<!-- /ci-compare -->: make ci-compare's table.
var ciCompareBlock = regexp.MustCompile(`(?s)(<!-- ci-compare -->)(.*?)(<!-- /ci-compare -->)`)

// replaceCICompare fills every ci-compare block of s from the report.
func replaceCICompare(s string, r cicompare.Report) (string, error) {
	if len(r.Options) == 0 {
		return "", fmt.Errorf("out/ci-compare.json has no options: run make ci-compare")
	}
	return ciCompareBlock.ReplaceAllStringFunc(s, func(block string) string {
		m := ciCompareBlock.FindStringSubmatch(block)
		return m[1] + "\n" + Wrap(ciCompareSource(r)) + "\n\n" + ciCompareTable(r) + m[3]
	}), nil
}

// ciCompareSource says where the figures come from.
func ciCompareSource(r cicompare.Report) string {
	s := fmt.Sprintf("Measured by `make ci-compare` %s: the image job of .github/workflows/ci.yml at commit %s, run by act on this machine, "+
		"first with an empty Actions cache (on an empty builder, but for the shared builder, which keeps its cache), then after a one-line edit, committed",
		measuredOn(r.GeneratedAt, r.CPUs, r.OSArch), shortCommit(r.Commit))
	if r.StandInBases {
		s += "; stand-in base images"
	}
	return s + ". The job's time runs from act's start to its exit; the build step is docker/build-push-action's."
}

// ciCompareTable is one row per option.
func ciCompareTable(r cicompare.Report) string {
	var b strings.Builder
	b.WriteString("| How the cache travels | Cold job | Job after the edit | Its build step | Packages compiled after the edit (per platform) | Carrying the cache mounts | Actions cache |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|\n")
	for _, o := range r.Options {
		carry := "–"
		if o.Edit.CarrySeconds > 0 {
			carry = fmt.Sprintf("%.1f s", o.Edit.CarrySeconds)
		}
		fmt.Fprintf(&b, "| %s | %.1f s | %.1f s | %.1f s | %d | %s | %s |\n", o.Name, o.Cold.Seconds, o.Edit.Seconds,
			o.Edit.BuildSeconds, o.Edit.Packages, carry, megabytes(o.ActionsCacheBytes))
	}
	return b.String()
}

// measuredOn is "on DATE (N CPUs, OS/ARCH)": when and where a report was made.
func measuredOn(at time.Time, cpus int, osArch string) string {
	return fmt.Sprintf("on %s (%d CPUs, %s)", at.Format("2006-01-02"), cpus, osArch)
}

// shortCommit is a commit's hash as git abbreviates it.
func shortCommit(c string) string { return c[:min(len(c), 7)] }

// megabytes is n in MB, one decimal.
func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
