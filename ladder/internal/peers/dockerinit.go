package peers

import (
	"fmt"
	"regexp"
	"strings"
)

// unnamedCacheMount is a cache mount without an id, as `docker init`
// writes them: BuildKit then uses the target path as the id.
var unnamedCacheMount = regexp.MustCompile(`--mount=type=cache,target=([^ ,\\]+)`)

// ScopeCacheMounts gives every cache mount without an id one that starts
// with scope, so a measurement starts from empty cache mounts and never
// touches the ones the reader's own builds use (whose id is the target).
func ScopeCacheMounts(dockerfile, scope string) string {
	return unnamedCacheMount.ReplaceAllString(dockerfile, "--mount=type=cache,id="+scope+"docker-init$1,target=$1")
}

// An instruction is one Dockerfile instruction, with its continuation lines.
type instruction struct {
	first, last int // line indexes
	text        string
}

// instructions splits a Dockerfile into its instructions (comments and
// blank lines are skipped; continuation lines end with a backslash).
func instructions(lines []string) []instruction {
	var out []instruction
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		in := instruction{first: i, text: l}
		for strings.HasSuffix(strings.TrimSpace(lines[i]), `\`) && i+1 < len(lines) {
			i++
			in.text += "\n" + lines[i]
		}
		in.last = i
		out = append(out, in)
	}
	return out
}

// StandInSteps are what AdaptForStandIns changes, and why; make compare
// reports them.
const StandInSteps = "with stand-in bases and no registry, three lines cannot work: the `# syntax=docker/dockerfile:1` line " +
	"(BuildKit would fetch that frontend from a registry; the engine's built-in one is used), and the runtime stage's " +
	"`apk add ca-certificates tzdata` and `adduser` steps (no Alpine package repository, and busybox has no adduser), " +
	"which become a check that the stand-in's CA bundle is there and a line appended to /etc/passwd, so the image has no tzdata"

// AdaptForStandIns rewrites the docker init Dockerfile for stand-in base
// images and no registry (see StandInSteps). It fails if a line it
// replaces is not found, so a change to the peer's Dockerfile cannot
// silently skip the adaptation.
func AdaptForStandIns(dockerfile string) (string, error) {
	lines := strings.Split(dockerfile, "\n")
	replaced := map[string]bool{}
	ins := instructions(lines)
	for k := len(ins) - 1; k >= 0; k-- {
		in := ins[k]
		var with string
		switch {
		case strings.HasPrefix(in.text, "RUN") && strings.Contains(in.text, "apk --update add"):
			with = "RUN test -s /etc/ssl/certs/ca-certificates.crt"
			replaced["apk"] = true
		case strings.HasPrefix(in.text, "RUN adduser"):
			with = `RUN echo "appuser:x:${UID}:${UID}::/nonexistent:/sbin/nologin" >> /etc/passwd`
			replaced["adduser"] = true
		default:
			continue
		}
		lines = append(lines[:in.first], append([]string{with}, lines[in.last+1:]...)...)
	}
	if len(lines) > 0 && strings.HasPrefix(lines[0], "# syntax=") {
		lines[0] = "# (syntax line removed: no registry to fetch the frontend from)"
		replaced["syntax"] = true
	}
	for _, step := range []string{"syntax", "apk", "adduser"} {
		if !replaced[step] {
			return "", fmt.Errorf("the docker init Dockerfile has no %s line to adapt for stand-in bases", step)
		}
	}
	return strings.Join(lines, "\n"), nil
}

// StandInAliases returns --build-context flags that point the docker init
// Dockerfile's bases (golang:<go>, alpine:latest) at the stand-ins the
// ladder uses for golang:<go>-alpine and alpine:<alpine>, when baseFlags
// (the base flags project.Open reads) name them; nothing otherwise.
func StandInAliases(baseFlags []string, goVersion, alpineVersion string) []string {
	var out []string
	for i := 0; i+1 < len(baseFlags); i++ {
		if baseFlags[i] != "--build-context" {
			continue
		}
		name, value, ok := strings.Cut(baseFlags[i+1], "=")
		if !ok {
			continue
		}
		switch name {
		case "golang:" + goVersion + "-alpine":
			out = append(out, "--build-context", "golang:"+goVersion+"="+value)
		case "alpine:" + alpineVersion:
			out = append(out, "--build-context", "alpine:latest="+value)
		}
	}
	return out
}
