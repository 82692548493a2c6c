package lint

import (
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/docker"
)

// makeN prints what make would run for args, without running it.
func makeN(t *testing.T, root string, args ...string) string {
	t.Helper()
	cmd := exec.Command("make", append([]string{"-n"}, args...)...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make -n %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// buildxLines returns the docker buildx build commands in make -n's
// output, each joined from its continuation lines into one, as a shell
// reads it.
func buildxLines(out string) []string {
	var lines []string
	for _, l := range strings.Split(strings.ReplaceAll(out, "\\\n", " "), "\n") {
		if strings.Contains(l, "docker buildx build") {
			lines = append(lines, strings.Join(strings.Fields(l), " "))
		}
	}
	return lines
}

// Every rung of the catalogue has a make target, and `make -n <rung>`
// prints the one command a reader would type: docker buildx build of that
// rung's Dockerfile, tagged go-docker-<rung>. A rung added to the
// catalogue without a target, or a target that builds another Dockerfile,
// fails here.
func TestMakeNShowsEachRungsBuildCommand(t *testing.T) {
	root, rungs := catalogue(t)
	for _, r := range rungs {
		lines := buildxLines(makeN(t, root, r.Name, "IMAGE_PREFIX=p-"))
		if len(lines) != 1 {
			t.Errorf("make -n %s: %d docker buildx build lines, want 1: %q", r.Name, len(lines), lines)
			continue
		}
		f := strings.Fields(lines[0])
		if i := slices.Index(f, "-f"); i < 0 || i+1 >= len(f) || f[i+1] != r.Dockerfile {
			t.Errorf("make -n %s: want -f %s in %q", r.Name, r.Dockerfile, lines[0])
		}
		if i := slices.Index(f, "-t"); i < 0 || i+1 >= len(f) || f[i+1] != "p-"+r.Name {
			t.Errorf("make -n %s: want -t p-%s in %q", r.Name, r.Name, lines[0])
		}
		// scripts/build.sh names the log and the .seconds file make compare
		// reads after the Dockerfile.
		if base := r.Dockerfile[strings.LastIndex(r.Dockerfile, "/")+1:]; base != r.Name+".Dockerfile" {
			t.Errorf("%s: the Dockerfile of rung %s must be named %s.Dockerfile (scripts/build.sh logs to out/logs/build-<that name>)", r.Dockerfile, r.Name, r.Name)
		}
		if f[len(f)-1] != "." {
			t.Errorf("make -n %s: want the build context . last in %q", r.Name, lines[0])
		}
	}
}

// make and the measuring tool build a reproducible rung the same way:
// make -n shows every one of docker.ReproducibleFlags (make names the image
// with -t, the tool in the output's name=, which is the same to buildx),
// and a rung that takes VERSION or PLATFORM passes them.
func TestMakeBuildsTheProductionRungAsTheToolDoes(t *testing.T) {
	root, rungs := catalogue(t)
	for _, r := range rungs {
		line := strings.Join(buildxLines(makeN(t, root, r.Name, "SOURCE_DATE_EPOCH=42", "VERSION=v9",
			"PLATFORM=linux/arm64", "IMAGE_PREFIX=p-")), " ")
		if r.Reproducible() {
			for _, f := range docker.ReproducibleFlags("TAG", 42) {
				f = strings.Replace(f, "name=TAG,", "", 1)
				if !slices.Contains(strings.Fields(line), f) {
					t.Errorf("make -n %s lacks %q (docker.ReproducibleFlags): the tool would measure another build than make: %s", r.Name, f, line)
				}
			}
		}
		for opt, want := range map[string]string{"version": "--build-arg VERSION=v9", "platform": "--platform linux/arm64"} {
			if slices.Contains(r.Options, opt) != strings.Contains(line, want) {
				t.Errorf("make -n %s: option %q in the catalogue is %v, %q in the command is %v",
					r.Name, opt, slices.Contains(r.Options, opt), want, strings.Contains(line, want))
			}
		}
	}
}

// make help fits a terminal: one line per target, under 100 columns.
func TestMakeHelpFitsATerminal(t *testing.T) {
	root := repoRoot(t)
	cmd := exec.Command("make", "-s", "help")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("make help: %v", err)
	}
	targets := regexp.MustCompile(`(?m)^([a-z][a-z0-9-]*):`).FindAllStringSubmatch(makefiles(t, root), -1)
	for _, l := range strings.Split(string(out), "\n") {
		if len([]rune(l)) >= 100 {
			t.Errorf("make help: a line of %d columns, want under 100: %q", len([]rune(l)), l)
		}
	}
	for _, m := range targets {
		if !regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(m[1]) + ` `).Match(out) {
			t.Errorf("make help does not list the target %q: give it a ## line (the rungs' come from the catalogue)", m[1])
		}
	}
}

// Every rung's target is .PHONY: a file or folder named like a rung (a
// reader's own "final" folder, say) must not make make think it is built.
func TestRungTargetsArePhony(t *testing.T) {
	root, rungs := catalogue(t)
	phony := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\.PHONY:(.*)$`).FindAllStringSubmatch(makefiles(t, root), -1) {
		for _, name := range strings.Fields(m[1]) {
			phony[name] = true
		}
	}
	for _, r := range rungs {
		if !phony[r.Name] {
			t.Errorf("the Makefile's target %s is not in a .PHONY line", r.Name)
		}
	}
}
