package release

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const commit = "0123456789abcdef0123456789abcdef01234567"

// inspectJSON is what imagetools inspect prints with inspectFormat for a
// two-platform release; sbom and prov give each platform's attestations as
// JSON ("" leaves it out).
func inspectJSON(version string, sbom, prov map[string]string) []byte {
	manifests, images, sboms, provs := []string{}, []string{}, []string{}, []string{}
	for i, p := range []string{"linux/amd64", "linux/arm64"} {
		os, arch, _ := strings.Cut(p, "/")
		manifests = append(manifests,
			fmt.Sprintf(`{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%d","platform":{"os":%q,"architecture":%q}}`, i, os, arch),
			fmt.Sprintf(`{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:a%d","platform":{"os":"unknown","architecture":"unknown"},"annotations":{"vnd.docker.reference.digest":"sha256:%d","vnd.docker.reference.type":"attestation-manifest"}}`, i, i))
		images = append(images, fmt.Sprintf(`%q:{"config":{"Labels":{"org.opencontainers.image.version":%q}}}`, p, version))
		if s := sbom[p]; s != "" {
			sboms = append(sboms, fmt.Sprintf(`%q:%s`, p, s))
		}
		if s := prov[p]; s != "" {
			provs = append(provs, fmt.Sprintf(`%q:%s`, p, s))
		}
	}
	return []byte(fmt.Sprintf(`{"manifest":{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:index","manifests":[%s]},"image":{%s},"sbom":{%s},"provenance":{%s}}`,
		strings.Join(manifests, ","), strings.Join(images, ","), strings.Join(sboms, ","), strings.Join(provs, ",")))
}

func spdx(pkgs ...string) string {
	var ps []string
	for i := 0; i+1 < len(pkgs); i += 2 {
		ps = append(ps, fmt.Sprintf(`{"name":%q,"versionInfo":%q}`, pkgs[i], pkgs[i+1]))
	}
	return `{"SPDX":{"spdxVersion":"SPDX-2.3","packages":[` + strings.Join(ps, ",") + `]}}`
}

// slsaV1 is BuildKit's default provenance format; slsaV02 the older one.
func slsaV1(revision string) string {
	return fmt.Sprintf(`{"SLSA":{"buildDefinition":{"externalParameters":{"configSource":{"path":"final.Dockerfile"}},"internalParameters":{"buildConfig":{"llbDefinition":[]}}},"runDetails":{"metadata":{"buildkit_metadata":{"vcs":{"revision":%q}}}}}}`, revision)
}

// slsaMin is a mode=min provenance: no build definition.
func slsaMin(revision string) string {
	return fmt.Sprintf(`{"SLSA":{"buildDefinition":{"externalParameters":{"configSource":{"path":"final.Dockerfile"}}},"runDetails":{"metadata":{"buildkit_metadata":{"vcs":{"revision":%q}}}}}}`, revision)
}

func slsaV02(revision string) string {
	return fmt.Sprintf(`{"SLSA":{"invocation":{"configSource":{"entryPoint":"final.Dockerfile"}},"buildConfig":{"llbDefinition":[]},"metadata":{"https://mobyproject.org/buildkit@v1#metadata":{"vcs":{"revision":%q}}}}}`, revision)
}

var (
	goodSBOM = spdx("github.com/gin-gonic/gin", "v1.12.0", "github.com/sirupsen/logrus", "v1.10.2", "stdlib", "go1.26.8")
	want     = Want{Version: "v1.0.0", Platforms: []string{"linux/amd64", "linux/arm64"}, Revision: commit, Dockerfile: "final.Dockerfile",
		Modules: []Module{{"github.com/gin-gonic/gin", "v1.12.0"}, {"github.com/sirupsen/logrus", "v1.10.2"}}}
)

func allowDirty(w Want) Want { w.AllowDirty = true; return w }

func both(s string) map[string]string { return map[string]string{"linux/amd64": s, "linux/arm64": s} }

func TestVerify(t *testing.T) {
	for _, tc := range []struct {
		name    string
		version string
		sbom    map[string]string
		prov    map[string]string
		want    Want
		fail    []string // each must be in the one-line error; none: it passes
		// unsigned: what cosign said of the index's signature ("": signed).
		unsigned string
	}{
		{name: "a good release", version: "v1.0.0", sbom: both(goodSBOM), prov: both(slsaV1(commit)), want: want},
		{name: "SLSA v0.2 provenance", version: "v1.0.0", sbom: both(goodSBOM), prov: both(slsaV02(commit)), want: want},
		{name: "no attestations at all", version: "v1.0.0", want: want,
			fail: []string{"linux/amd64: no SBOM attestation", "linux/arm64: no provenance attestation"}},
		{name: "SBOM of one platform only", version: "v1.0.0", sbom: map[string]string{"linux/amd64": goodSBOM}, prov: both(slsaV1(commit)), want: want,
			fail: []string{"linux/arm64: no SBOM attestation"}},
		{name: "module at another version", version: "v1.0.0", sbom: both(spdx("github.com/gin-gonic/gin", "v1.11.0", "github.com/sirupsen/logrus", "v1.10.2")), prov: both(slsaV1(commit)), want: want,
			fail: []string{"the SBOM lacks github.com/gin-gonic/gin v1.12.0 (listed at v1.11.0)"}},
		{name: "module missing", version: "v1.0.0", sbom: both(spdx("github.com/gin-gonic/gin", "v1.12.0")), prov: both(slsaV1(commit)), want: want,
			fail: []string{"the SBOM lacks github.com/sirupsen/logrus v1.10.2 (not listed)"}},
		{name: "another commit", version: "v1.0.0", sbom: both(goodSBOM), prov: both(slsaV1("ffffffffffffffffffffffffffffffffffffffff")), want: want,
			fail: []string{"the provenance names ffffffffffffffffffffffffffffffffffffffff, want commit " + commit}},
		{name: "uncommitted changes", version: "v1.0.0", sbom: both(goodSBOM), prov: both(slsaV1(commit + "-dirty")), want: want,
			fail: []string{"(built from a tree with uncommitted changes; ALLOW_DIRTY=1 accepts it)"}},
		{name: "uncommitted changes, allowed", version: "v1.0.0", sbom: both(goodSBOM), prov: both(slsaV1(commit + "-dirty")), want: allowDirty(want)},
		{name: "another commit's changes, allowed", version: "v1.0.0", sbom: both(goodSBOM), prov: both(slsaV1("ffffffffffffffffffffffffffffffffffffffff-dirty")), want: allowDirty(want),
			fail: []string{"the provenance names ffffffffffffffffffffffffffffffffffffffff-dirty, want commit " + commit}},
		{name: "provenance mode=min", version: "v1.0.0", sbom: both(goodSBOM), prov: both(slsaMin(commit)), want: want,
			fail: []string{"linux/amd64: the provenance is mode=min"}},
		{name: "no git info", version: "v1.0.0", sbom: both(goodSBOM), prov: both(slsaV1("")), want: want,
			fail: []string{"no commit (built with BUILDX_GIT_INFO=0"}},
		{name: "label of another version", version: "v0.9.0", sbom: both(goodSBOM), prov: both(slsaV1(commit)), want: want,
			fail: []string{`label org.opencontainers.image.version is "v0.9.0", want "v1.0.0"`}},
		{name: "a platform missing", version: "v1.0.0", sbom: both(goodSBOM), prov: both(slsaV1(commit)),
			want: Want{Version: "v1.0.0", Platforms: []string{"linux/amd64", "linux/riscv64"}, Revision: commit, Dockerfile: "final.Dockerfile"},
			fail: []string{"linux/riscv64 is missing (the index has linux/amd64, linux/arm64)"}},
		{name: "signed", version: "v1.0.0", sbom: both(goodSBOM), prov: both(slsaV1(commit)), want: signedBy(want, "keys/ci.pub")},
		{name: "not signed by the key", version: "v1.0.0", sbom: both(goodSBOM), prov: both(slsaV1(commit)), want: signedBy(want, "keys/ci.pub"),
			unsigned: "no signatures found",
			fail:     []string{"no signature by keys/ci.pub signs the index sha256:index the tag points to (no signatures found)"}},
		{name: "no key, no signature check", version: "v1.0.0", sbom: both(goodSBOM), prov: both(slsaV1(commit)), want: want,
			unsigned: "no signatures found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Parse("reg/app:v1.0.0", inspectJSON(tc.version, tc.sbom, tc.prov))
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Platforms) != 2 || r.Platforms["linux/arm64"].Digest != "sha256:1" {
				t.Fatalf("platforms: got %+v, want the two image manifests, not the attestations", r.Platforms)
			}
			r.Unsigned = tc.unsigned
			lines, err := Verify(r, tc.want)
			if len(tc.fail) == 0 {
				if err != nil {
					t.Fatalf("want it to pass, got %v", err)
				}
				if !slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, "github.com/gin-gonic/gin v1.12.0") }) {
					t.Errorf("the lines of what passed do not name gin: %q", lines)
				}
				if signed := slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, "signature: ") }); signed != (tc.want.PublicKey != "") {
					t.Errorf("a line on the signature: %v, want %v: %q", signed, tc.want.PublicKey != "", lines)
				}
				return
			}
			if err == nil {
				t.Fatal("want it to fail, it passed")
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("want one line, got %q", err)
			}
			for _, f := range tc.fail {
				if !strings.Contains(err.Error(), f) {
					t.Errorf("error %q\nlacks %q", err, f)
				}
			}
		})
	}
}

// signedBy is w with a public key the signature must be by.
func signedBy(w Want, pub string) Want {
	w.PublicKey = pub
	return w
}

// With one platform in the index, imagetools prints its image config and
// attestations unkeyed.
func TestParseOnePlatform(t *testing.T) {
	data := fmt.Sprintf(`{"manifest":{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:index","manifests":[`+
		`{"digest":"sha256:0","platform":{"os":"linux","architecture":"arm64"}},`+
		`{"digest":"sha256:a0","platform":{"os":"unknown","architecture":"unknown"},"annotations":{"vnd.docker.reference.type":"attestation-manifest"}}]},`+
		`"image":{"architecture":"arm64","config":{"Labels":{"org.opencontainers.image.version":"v1.0.0"}}},"sbom":%s,"provenance":%s}`, goodSBOM, slsaV1(commit))
	r, err := Parse("reg/app:v1.0.0", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	w := want
	w.Platforms = []string{"linux/arm64"}
	if _, err := Verify(r, w); err != nil {
		t.Errorf("one platform: %v", err)
	}
}

func TestParseRefusesASingleImage(t *testing.T) {
	_, err := Parse("reg/app:v1", []byte(`{"manifest":{"mediaType":"application/vnd.oci.image.manifest.v1+json"},"image":{},"sbom":{},"provenance":{}}`))
	if err == nil || !strings.Contains(err.Error(), "not a multi-platform index") {
		t.Fatalf("got %v", err)
	}
}

func TestArgs(t *testing.T) {
	o := BuildOptions{Root: "/r", Dockerfile: "final.Dockerfile", Ref: "127.0.0.1:5001/go-docker:v1", Version: "v1",
		Platforms: []string{"linux/amd64", "linux/arm64"}, SourceDateEpoch: 42, Generator: "scanner:1"}
	got := strings.Join(Args(o, []string{"--build-context", "golang:1.26-alpine=docker-image://x"}), " ")
	for _, w := range []string{"--platform linux/amd64,linux/arm64", "--build-arg SOURCE_DATE_EPOCH=42 --build-arg VERSION=v1",
		"--sbom=generator=scanner:1 --provenance=mode=max", "--output type=image,name=127.0.0.1:5001/go-docker:v1,push=true,compression=gzip,force-compression=true /r",
		"--build-context golang:1.26-alpine=docker-image://x"} {
		if !strings.Contains(got, w) {
			t.Errorf("%s\nlacks %s", got, w)
		}
	}
	o.NoAttestations = true
	if got := strings.Join(Args(o, nil), " "); !strings.Contains(got, "--sbom=false --provenance=false") {
		t.Errorf("without attestations: %s", got)
	}
}

func TestCheckVersionAndPlatforms(t *testing.T) {
	for _, v := range []string{"", "dev", "-v1", "v1/2", "v 1", strings.Repeat("a", 129)} {
		if CheckVersion(v) == nil {
			t.Errorf("CheckVersion(%q) passed", v)
		}
	}
	for _, v := range []string{"v1.0.0", "1.2.3-rc.1", "2026_12"} {
		if err := CheckVersion(v); err != nil {
			t.Errorf("CheckVersion(%q): %v", v, err)
		}
	}
	if ps, err := ParsePlatforms("linux/amd64, linux/arm64/v8,linux/amd64"); err != nil || !slices.Equal(ps, []string{"linux/amd64", "linux/arm64/v8"}) {
		t.Errorf("got %v %v", ps, err)
	}
	for _, p := range []string{"", "linux", "linux/amd64,", "Linux/AMD64"} {
		if _, err := ParsePlatforms(p); err == nil {
			t.Errorf("ParsePlatforms(%q) passed", p)
		}
	}
}

func TestDirectModules(t *testing.T) {
	// The tutorial module itself: gin and logrus, at go.mod's versions.
	mods, err := DirectModules(t.Context(), "../../..", "./dependencies", "nomsgpack")
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, m := range mods {
		paths = append(paths, m.Path)
	}
	if !slices.Equal(paths, []string{"github.com/gin-gonic/gin", "github.com/sirupsen/logrus"}) {
		t.Errorf("got %v", mods)
	}
	// The standard-library program: nothing. A package that is not there:
	// go list's error.
	if mods, err := DirectModules(t.Context(), "../../..", "./simple", ""); err != nil || len(mods) != 0 {
		t.Errorf("./simple: got %v, %v; want no modules", mods, err)
	}
	if _, err := DirectModules(t.Context(), "../../..", "./nope", ""); err == nil || !strings.Contains(err.Error(), "go list -deps ./nope") {
		t.Errorf("./nope: got %v", err)
	}
	// A go.sum without gin's line is refused.
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "dependencies"), os.DirFS("../../../dependencies")); err != nil {
		t.Fatal(err)
	}
	gomod, _ := os.ReadFile("../../../go.mod")
	gosum, _ := os.ReadFile("../../../go.sum")
	var kept []string
	for _, l := range strings.Split(string(gosum), "\n") {
		if !strings.HasPrefix(l, "github.com/gin-gonic/gin ") || strings.Contains(l, "/go.mod ") {
			kept = append(kept, l)
		}
	}
	os.WriteFile(filepath.Join(dir, "go.mod"), gomod, 0o644)
	os.WriteFile(filepath.Join(dir, "go.sum"), []byte(strings.Join(kept, "\n")), 0o644)
	if _, err := DirectModules(t.Context(), dir, "./dependencies", "nomsgpack"); err == nil || !strings.Contains(err.Error(), "go.sum") {
		t.Errorf("got %v, want an error that names go.sum", err)
	}
}
