package measure

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/repo"
)

// The native floor: `go build` on the host, with the production rung's
// flags, read from its Dockerfile, so that the floor builds what the image
// builds and the flags are written in one place.

// native times `go build` of one program on the host, with m.goFlags and
// GOCACHE at m.gocache, and records it (run 0: untimed warm-up).
func (m *measurer) native(program, scenario string, run int) error {
	if run > 0 {
		m.say("native:"+program, scenario, run, m.Runs, "")
	}
	args := append(append([]string{"build"}, m.goFlags...), "-o", filepath.Join(m.tmp, "native-"+program), "./"+program)
	cmd := exec.CommandContext(m.ctx, "go", args...)
	cmd.Dir = m.dir
	cmd.Env = append(os.Environ(), "GOCACHE="+m.gocache, "CGO_ENABLED=0", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	d := time.Since(start).Seconds()
	if err != nil {
		return fmt.Errorf("native go build ./%s: %v: %s", program, err, strings.TrimSpace(string(out)))
	}
	if run > 0 {
		m.samples.add(nativeKey(program), scenario, d)
		m.say("native:"+program, scenario, run, m.Runs, fmt.Sprintf("%.1f s", d))
	}
	return nil
}

// NativeFlags are the go build flags of the production rung of the
// repository at root, from its Dockerfile (GoBuildFlags).
func NativeFlags(root string) ([]string, error) {
	rungs, err := repo.Load(root)
	if err != nil {
		return nil, err
	}
	dockerfile := repo.Production(rungs).Dockerfile
	b, err := os.ReadFile(filepath.Join(root, dockerfile))
	if err != nil {
		return nil, err
	}
	flags, err := GoBuildFlags(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dockerfile, err)
	}
	return flags, nil
}

// goBuildLine is the go build command of a RUN step, up to the first &&
// (the step may go on to lay out the image's files).
var goBuildLine = regexp.MustCompile(`(?m)^RUN .*?\bgo build ([^&\n]*)`)

// valueFlags are the go build flags that take a value, which may come as
// the next word.
var valueFlags = []string{"-o", "-tags", "-ldflags", "-gcflags", "-asmflags", "-mod", "-modfile", "-overlay", "-pgo", "-p", "-buildmode", "-toolexec"}

// GoBuildFlags reads the flags of the first `go build` of a Dockerfile's
// RUN steps that decide what it produces, each as one word ("-tags=x",
// "-ldflags=-s -w"): not -v, -o and the package, nor -X in -ldflags (a
// version stamp, which the Dockerfile takes from a build arg).
func GoBuildFlags(dockerfile string) ([]string, error) {
	m := goBuildLine.FindStringSubmatch(strings.ReplaceAll(dockerfile, "\\\n", " "))
	if m == nil {
		return nil, errors.New("no RUN step runs go build: the native build reads its flags from there")
	}
	return goFlags(shellWords(m[1])), nil
}

// goFlags keeps, of go build's arguments, the flags that decide what it
// produces, each as one word, as GoBuildFlags says.
func goFlags(words []string) []string {
	var flags []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		if slices.Contains(valueFlags, w) && i+1 < len(words) {
			i++
			w += "=" + words[i]
		}
		name, value, _ := strings.Cut(w, "=")
		switch {
		case !strings.HasPrefix(w, "-") || w == "-v" || name == "-o":
			// The package, and what only lists or places the output.
		case name == "-ldflags":
			flags = append(flags, "-ldflags="+withoutStamps(value))
		default:
			flags = append(flags, w)
		}
	}
	return flags
}

// withoutStamps drops every -X name=value from linker flags.
func withoutStamps(ldflags string) string {
	var keep []string
	fields := strings.Fields(ldflags)
	for i := 0; i < len(fields); i++ {
		if fields[i] == "-X" {
			i++
			continue
		}
		keep = append(keep, fields[i])
	}
	return strings.Join(keep, " ")
}

// shellWords splits a command line as the shell does for the quoting the
// Dockerfiles use: "..." or '...' around a word or a part of one.
func shellWords(s string) []string {
	var words []string
	var cur strings.Builder
	in := false
	var quote rune
	for _, c := range s {
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == '"' || c == '\''):
			quote, in = c, true
		case quote == 0 && (c == ' ' || c == '\t' || c == '\n'):
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(c)
			in = true
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words
}
