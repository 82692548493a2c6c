//go:build e2e

package e2e

// make <rung> prints an image's size as its base plus what the rung adds,
// "11.5MB (base 2.28MB + 9.19MB)", so a reader on the official bases can
// predict their own: the base part must be the base image's own unpacked
// size, measured here from that image, not from the rung's.

import (
	"regexp"
	"testing"

	dockercli "github.com/go-docker/go-docker/ladder/internal/docker"
)

func TestMakePrintsSizeAsBasePlusRung(t *testing.T) {
	ctx := engine(t)
	buildLadder(t)
	// multi-stage: a base (alpine) and one layer of its own, the binary.
	out := runMake(t, ctx, repoRoot(t), "-s", "multi-stage", "IMAGE_PREFIX="+imagePrefix)
	m := regexp.MustCompile(`^` + regexp.QuoteMeta(imagePrefix+"multi-stage") + `\s+(\S+) \(base (\S+) \+ (\S+)\)\s+built in`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("make multi-stage: want a line with its size as (base B + R), got:\n%s", out)
	}
	base := baseImage("alpine:" + envOr("ALPINE_VERSION", "3.23"))
	if !docker.StandInBases() {
		// BuildKit pulls a base into its own cache: pull it to measure it.
		if _, err := docker.Output(ctx, "pull", "-q", base); err != nil {
			t.Fatal(err)
		}
	}
	total, _, err := docker.Sizes(ctx, imagePrefix+"multi-stage")
	if err != nil {
		t.Fatal(err)
	}
	baseSize, _, err := docker.Sizes(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{dockercli.HumanSize(total), dockercli.HumanSize(baseSize), dockercli.HumanSize(total - baseSize)}
	if m[1] != want[0] || m[2] != want[1] || m[3] != want[2] {
		t.Errorf("make multi-stage printed %s (base %s + %s); %s measures %s and the image %s: want %s (base %s + %s)",
			m[1], m[2], m[3], base, want[1], want[0], want[0], want[1], want[2])
	}
}
