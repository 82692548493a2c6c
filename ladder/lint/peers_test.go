package lint

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/peers"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

// finalGoBuild returns the final rung's go build arguments and the ENV
// line before it.
func finalGoBuild(t *testing.T, root string, rungs []repo.Rung) (args []string, env string) {
	t.Helper()
	src := strings.ReplaceAll(readFile(t, root, repo.Production(rungs).Dockerfile), "\\\n", " ")
	// The go build command ends at the first && (the step then lays out
	// the image's files); what precedes it on the RUN line is its
	// environment.
	m := regexp.MustCompile(`(?m)^RUN (.*?)\bgo build ([^&\n]*)`).FindStringSubmatch(src)
	if m == nil {
		t.Fatal("the final rung has no go build step")
	}
	// The package is an ARG (PACKAGE): read with its default, as a build
	// without --build-arg PACKAGE compiles it.
	pkg := regexp.MustCompile(`(?m)^ARG PACKAGE=(\S+)$`).FindStringSubmatch(src)
	if pkg == nil {
		t.Fatal("the final rung declares no ARG PACKAGE=... default")
	}
	words := strings.NewReplacer("${VERSION}", "dev", "${PACKAGE}", pkg[1]).Replace(strings.TrimSpace(m[2]))
	return strings.Fields(strings.ReplaceAll(words, `"`, "")), m[1]
}

// ko is measured as a peer of the final rung: it must compile the same
// program with the same flags, on a base holding what final's runtime
// holds, or the comparison says nothing. This test fails when either side
// changes without the other.
func TestKoBuildsWhatFinalBuilds(t *testing.T) {
	root, rungs := catalogue(t)
	finalArgs, finalEnv := finalGoBuild(t, root, rungs)
	program := "./" + peers.Program
	if !slices.Contains(finalArgs, program) {
		t.Fatalf("the final rung builds %v, not %s: make the peers build what it builds", finalArgs, program)
	}
	cfg, err := peers.LoadKoConfig(root)
	if err != nil {
		t.Fatal(err)
	}
	b, ok := cfg.Build(program)
	if !ok {
		t.Fatalf("%s/.ko.yaml has no build with main: %s", peers.KoDir, program)
	}
	// Its flags: measure's TestKoBuildsWithTheProductionRungsFlags.
	if strings.Contains(finalEnv, "CGO_ENABLED=0") != slices.Contains(b.Env, "CGO_ENABLED=0") {
		t.Errorf("CGO_ENABLED differs: final's %q, ko's env %q", finalEnv, b.Env)
	}
	if cfg.DefaultBaseImage != "" {
		t.Errorf("%s/.ko.yaml names a base (%s): make compare passes the one it builds from %s", peers.KoDir, cfg.DefaultBaseImage, peers.KoBaseDockerfile)
	}

	// The base: what final's runtime stage holds besides the binary.
	final := readFile(t, root, repo.Production(rungs).Dockerfile)
	runtime := final[strings.LastIndex(final, "\nFROM "):]
	base := readFile(t, root, peers.KoBaseDockerfile)
	baseStage := base[strings.LastIndex(base, "\nFROM "):]
	// The same lines, but where the CA bundle is copied from: a stage of
	// each file's own.
	fromStage := regexp.MustCompile(`--from=\S+ `)
	for _, re := range []string{`(?m)^FROM scratch\b.*$`, `(?m)^USER \S+$`} {
		f := fromStage.ReplaceAllString(regexp.MustCompile(re).FindString(runtime), "")
		k := fromStage.ReplaceAllString(regexp.MustCompile(re).FindString(baseStage), "")
		if f == "" {
			t.Errorf("final's runtime stage has no line matching %s: update this test and %s together", re, peers.KoBaseDockerfile)
			continue
		}
		if strings.HasPrefix(f, "FROM") {
			f, k = strings.Fields(f)[1], strings.Fields(k + " -")[1]
		}
		if f != k {
			t.Errorf("%s: want %q as in final's runtime stage, got %q", peers.KoBaseDockerfile, f, k)
		}
	}
	// The CA bundle: final lays it out beside the binary in the build
	// stage and copies both in one layer; the base copies it alone.
	for file, re := range map[string]string{
		repo.Production(rungs).Dockerfile: `cp /etc/ssl/certs/ca-certificates\.crt /out/root/etc/ssl/certs/`,
		peers.KoBaseDockerfile:            `(?m)^COPY --from=\S+ /etc/ssl/certs/ca-certificates\.crt /etc/ssl/certs/ca-certificates\.crt$`,
	} {
		if !regexp.MustCompile(re).MatchString(readFile(t, root, file)) {
			t.Errorf("%s has no line matching %s: final's image and ko's base must both hold the CA bundle", file, re)
		}
	}
}

// The ko that compare builds is the one peers/ko/go.mod pins, and the one
// the report names.
func TestKoVersionIsPinned(t *testing.T) {
	root, _ := catalogue(t)
	gomod := readFile(t, root, peers.KoDir+"/go.mod")
	m := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(peers.KoModule) + ` (v\S+)`).FindStringSubmatch(gomod)
	if m == nil {
		t.Fatalf("%s/go.mod does not require %s", peers.KoDir, peers.KoModule)
	}
	if m[1] != peers.KoVersion {
		t.Errorf("%s/go.mod pins ko %s, but peers.KoVersion says %s", peers.KoDir, m[1], peers.KoVersion)
	}
	if !regexp.MustCompile(`(?m)^tool ` + regexp.QuoteMeta(peers.KoModule) + `$`).MatchString(gomod) {
		t.Errorf("%s/go.mod has no `tool %s` line", peers.KoDir, peers.KoModule)
	}
	// The tutorial's module must not see ko at all.
	if strings.Contains(readFile(t, root, "go.mod"), "google/ko") || strings.Contains(readFile(t, root, "ladder/go.mod"), "google/ko") {
		t.Error("ko reached the tutorial's or the ladder's go.mod: it belongs in peers/ko/go.mod only")
	}
}

// The schema's peer names are the peers compare knows.
func TestSchemaNamesThePeers(t *testing.T) {
	root, _ := catalogue(t)
	if got := schemaNames(t, root, "peers"); !slices.Equal(got, peers.Names()) {
		t.Errorf("ladder/compare.schema.json names the peers %q, ladder/internal/peers %q", got, peers.Names())
	}
}
