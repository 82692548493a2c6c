package render

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/go-docker/go-docker/ladder/internal/devloop"
)

// <!-- dev-loop -->...<!-- /dev-loop -->: make dev-compare's table;
// <!-- dev-loop:summary -->: one sentence of it, for README.md.
var devLoopBlock = regexp.MustCompile(`(?s)(<!-- dev-loop(?::([a-z-]+))? -->)(.*?)(<!-- /dev-loop -->)`)

// replaceDevLoop fills every dev-loop block of s from the report.
func replaceDevLoop(s string, r devloop.Report) (string, error) {
	var err error
	out := devLoopBlock.ReplaceAllStringFunc(s, func(block string) string {
		m := devLoopBlock.FindStringSubmatch(block)
		switch m[2] {
		case "":
			return m[1] + "\n\n" + devloop.Table(r) + "\n" + Wrap(devLoopSource(r)) + "\n" + m[4]
		case "summary":
			var body string
			body, err = devLoopSummary(r)
			return m[1] + "\n" + Wrap(body+m[4])
		}
		err = fmt.Errorf("unknown block <!-- dev-loop:%s -->: use dev-loop or dev-loop:summary", m[2])
		return block
	})
	return out, err
}

// devLoopSource says where the figures come from.
func devLoopSource(r devloop.Report) string {
	s := fmt.Sprintf("Measured by `make dev-compare` %s: medians of %d unique edits per loop, each after an untimed one, "+
		"from the file's write to the first HTTP 200 whose body carries the edit's marker; × native: that median divided by the native loop's",
		measuredOn(r.GeneratedAt, r.CPUs, r.OSArch), r.Edits)
	if r.StandInBases {
		s += "; stand-in base images"
	}
	return s + "."
}

// devLoopSummary is README's sentence: make dev's loops against the native one.
func devLoopSummary(r devloop.Report) (string, error) {
	find := func(name, mode string) (devloop.LoopReport, error) {
		for _, l := range r.Loops {
			if l.Name == name && l.Mode == mode {
				return l, nil
			}
		}
		return devloop.LoopReport{}, fmt.Errorf("out/dev-loop.json has no %s (%s): run make dev-compare", name, mode)
	}
	var ls [3]devloop.LoopReport
	for i, k := range [][2]string{{"native", "direct"}, {"fast loop", "watcher"}, {"image loop", "watcher"}} {
		l, err := find(k[0], k[1])
		if err != nil {
			return "", err
		}
		ls[i] = l
	}
	return strings.Join([]string{
		fmt.Sprintf("Measured by `make dev-compare` on %s: a saved edit serves in %.2f s through `make dev`", r.GeneratedAt.Format("2006-01-02"), ls[1].Serving.Median),
		fmt.Sprintf("(%.1f× a native `go build` and restart, %.2f s), and in %.2f s through `make dev LOOP=image`.", ls[1].XNative, ls[0].Serving.Median, ls[2].Serving.Median),
	}, " "), nil
}
