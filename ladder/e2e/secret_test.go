//go:build e2e

package e2e

// The private-modules recipe of docs/your-service.md: a token passed as a
// build secret is nowhere a build sends it. One detector reads every blob
// of what a build can hand on: the image (layers, config and history), its
// mode=max provenance attestation, and a mode=max cache export (every
// intermediate layer, as `--cache-to type=registry,mode=max` pushes it).
// It is proven able to fail first: the token passed the wrong way, as a
// build arg a step writes into /root/.netrc, is found where it really
// lands (the provenance and the exported cache, though not in the shipped
// image: the multi-stage build leaves it behind). Then, passed as a secret
// mount in the stage whose output ships, it is found nowhere.

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	dockercli "github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

// The steps of docs/your-service.md's private-modules section: the test
// puts them in place of final.Dockerfile's, and the page must show them.
const (
	finalDownloadStep  = "RUN --mount=type=cache,id=go-docker-gomod,target=/go/pkg/mod \\\n    go mod download\n"
	secretMount        = "    --mount=type=secret,id=netrc,target=/root/.netrc,required=true \\\n"
	secretDownloadStep = "RUN --mount=type=cache,id=go-docker-gomod,target=/go/pkg/mod \\\n" + secretMount + "    go mod download\n"
	finalBuildMounts   = "    --mount=type=cache,id=go-docker-gocache,target=/root/.cache/go-build \\\n    --mount=type=bind,target=. \\\n    CGO_ENABLED=0 GOOS=$TARGETOS"
	secretBuildMounts  = "    --mount=type=cache,id=go-docker-gocache,target=/root/.cache/go-build \\\n" + secretMount + "    --mount=type=bind,target=. \\\n    CGO_ENABLED=0 GOOS=$TARGETOS"
	// The wrong way: the token as a build arg, written to a file by a step
	// of the build stage (go then reads it, as it reads a secret mount).
	buildStageVersion = "ARG VERSION=dev\n\n# The same mounts as rung 5."
	argTokenStep      = "ARG VERSION=dev\nARG NETRC_TOKEN\nRUN printf 'machine git.example.com login e2e password %s\\n' \"$NETRC_TOKEN\" >/root/.netrc\n\n# The same mounts as rung 5."
)

func TestBuildSecretIsNowhereABuildSendsIt(t *testing.T) {
	ctx := engine(t)
	requireContainerdStore(t, "the image with its attestations and the cache export are written by the engine's builder from the containerd image store only")
	doc := readFile(t, filepath.Join(repoRoot(t), "docs", "your-service.md"))
	for _, want := range []string{secretDownloadStep, secretMount + "    --mount=type=bind,target=. \\\n"} {
		if !strings.Contains(doc, want) {
			t.Fatalf("docs/your-service.md no longer shows this test's step:\n%s", want)
		}
	}
	pruneCacheAfter(t)
	run := repo.NewRunID()
	token := "e2e-token-" + run
	version := "v0.0.1-e2e-" + run // in the config and provenance: they are read

	// The wrong way: the detector finds the token where it lands.
	dir := yoursService(t)
	replaceInFile(t, filepath.Join(dir, "Dockerfile"), buildStageVersion, argTokenStep)
	wrong := buildForLeaks(t, dir, "wrong", version, []string{"--build-arg", "NETRC_TOKEN=" + token})
	found := leaks(wrong, token)
	for _, want := range []string{"provenance", "exported cache: layer"} {
		if !slices.ContainsFunc(found, func(f string) bool { return strings.HasPrefix(f, want) }) {
			t.Errorf("the token passed as a build arg: not found in the %s; found in %q. Is the detector blind?", want, found)
		}
	}
	if slices.ContainsFunc(found, func(f string) bool { return strings.HasPrefix(f, "image") }) {
		t.Errorf("the token passed as a build arg in the build stage reached the shipped image: %q", found)
	}

	// The right way: a secret mount on both steps that may fetch modules.
	dir = yoursService(t)
	dockerfile := filepath.Join(dir, "Dockerfile")
	replaceInFile(t, dockerfile, finalDownloadStep, secretDownloadStep)
	replaceInFile(t, dockerfile, finalBuildMounts, secretBuildMounts)
	// A step text of this run's own: an earlier run's steps are not
	// reused, so the build without the secret really runs them.
	replaceInFile(t, dockerfile, "ENV GOMODCACHE=/go/pkg/mod", "ENV GOPRIVATE=git.example.com/e2e-"+run+" GOMODCACHE=/go/pkg/mod")
	netrc := filepath.Join(t.TempDir(), "netrc")
	if err := os.WriteFile(netrc, []byte("machine git.example.com login e2e password "+token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// required=true: the steps really mount the secret, so a build
	// without it fails.
	if _, err := docker.Build(ctx, dockercli.BuildOptions{Dir: dir, Dockerfile: "Dockerfile", Output: "type=cacheonly",
		BuildArgs: map[string]string{"PACKAGE": "./cmd/yours"}, LogFile: filepath.Join(logDir(t), "secret-none.log")}); err == nil {
		t.Fatal("a build without --secret id=netrc succeeded: is the secret mount still required?")
	}
	right := buildForLeaks(t, dir, "right", version, []string{"--secret", "id=netrc,src=" + netrc})
	if found := leaks(right, token); len(found) > 0 {
		t.Errorf("the build secret's token is in %q", found)
	}
	// Each kind of place was read, decompressed where it had to be: the
	// run's VERSION is in the config (a label) and the provenance (a build
	// arg), and the file the service embeds in every layer that holds the
	// binary: the image's, and the build stage's in the exported cache.
	embedded := strings.TrimSpace(readFile(t, filepath.Join("testdata", "yours", "static", "hello.txt")))
	for _, places := range [][]place{wrong, right} {
		for _, c := range []struct{ marker, kind string }{{version, "image: config"}, {version, "provenance"},
			{embedded, "image: layer"}, {embedded, "exported cache: layer"}} {
			if seen := leaks(places, c.marker); !slices.ContainsFunc(seen, func(f string) bool { return strings.HasPrefix(f, c.kind) }) {
				t.Errorf("%q is in no %s (found in %q): that place was not read", c.marker, c.kind, seen)
			}
		}
	}
}

// buildForLeaks builds the service in dir with a mode=max provenance into
// an OCI archive, and exports a mode=max cache, and returns every blob of
// both.
func buildForLeaks(t *testing.T, dir, name, version string, flags []string) []place {
	t.Helper()
	out := t.TempDir()
	_, err := docker.Build(t.Context(), dockercli.BuildOptions{Dir: dir, Dockerfile: "Dockerfile",
		BuildArgs:  map[string]string{"PACKAGE": "./cmd/yours", "VERSION": version},
		Output:     "type=oci,dest=" + filepath.Join(out, "image.tar"),
		CacheTo:    "type=local,dest=" + filepath.Join(out, "cache") + ",mode=max",
		ExtraFlags: append([]string{"--provenance=mode=max"}, flags...),
		LogFile:    filepath.Join(logDir(t), "secret-"+name+".log")})
	if err != nil {
		t.Fatal(err)
	}
	image := tarFiles(t, filepath.Join(out, "image.tar"))
	return append(layoutPlaces(t, image, "image"), layoutPlaces(t, os.DirFS(filepath.Join(out, "cache")), "exported cache")...)
}

// leaks names the places whose bytes hold s.
func leaks(places []place, s string) []string {
	var found []string
	for _, p := range places {
		if strings.Contains(string(p.data), s) {
			found = append(found, p.name)
		}
	}
	return found
}

// place is one blob a build handed on, named for what it is.
type place struct {
	name string
	data []byte // gzip layers decompressed, so a search sees the files' bytes
}

// layoutPlaces reads every blob of the OCI image layout in layout (an oci
// export, or a local cache export), following index.json down through
// indexes and manifests, and names each: "<what>: config and history",
// "<what>: layer <digest>", and for an attestation manifest's statements
// "provenance" or "SBOM".
func layoutPlaces(t *testing.T, layout fs.FS, what string) []place {
	t.Helper()
	var places []place
	seen := map[string]bool{}
	var walk func(d ociDescriptor, name string)
	walk = func(d ociDescriptor, name string) {
		if seen[d.Digest] {
			return
		}
		seen[d.Digest] = true
		data := blob(t, layout, d.Digest)
		places = append(places, place{name, data})
		var m struct {
			Manifests []ociDescriptor
			Config    *ociDescriptor
			Layers    []ociDescriptor
		}
		if !strings.Contains(d.MediaType, "manifest") && !strings.Contains(d.MediaType, "index") {
			return
		}
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s %s: %v", what, d.Digest, err)
		}
		attestation := d.Annotations["vnd.docker.reference.type"] == "attestation-manifest"
		for _, c := range m.Manifests {
			walk(c, what+": manifest")
		}
		if m.Config != nil {
			walk(*m.Config, what+": config and history")
		}
		for _, l := range m.Layers {
			switch pred := l.Annotations["in-toto.io/predicate-type"]; {
			case attestation && strings.Contains(pred, "provenance"):
				walk(l, "provenance "+l.Digest)
			case attestation:
				walk(l, "attestation "+pred+" "+l.Digest)
			default:
				walk(l, what+": layer "+l.Digest)
			}
		}
	}
	var index struct{ Manifests []ociDescriptor }
	b, err := fs.ReadFile(layout, "index.json")
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if err := json.Unmarshal(b, &index); err != nil {
		t.Fatalf("%s: index.json: %v", what, err)
	}
	if len(index.Manifests) == 0 {
		t.Fatalf("%s: index.json lists nothing", what)
	}
	for _, d := range index.Manifests {
		walk(d, what+": index")
	}
	return places
}

type ociDescriptor struct {
	MediaType   string
	Digest      string
	Annotations map[string]string
}

// blob reads a blob of an OCI layout, gunzipped when it is gzip.
func blob(t *testing.T, layout fs.FS, digest string) []byte {
	t.Helper()
	algo, hex, ok := strings.Cut(digest, ":")
	if !ok {
		t.Fatalf("digest %q", digest)
	}
	b, err := fs.ReadFile(layout, "blobs/"+algo+"/"+hex)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.HasPrefix(b, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", digest, err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			t.Fatalf("%s: %v", digest, err)
		}
	}
	return b
}

// tarFiles reads an archive's regular files into memory, by their paths
// in it (docker save, an oci export).
func tarFiles(t *testing.T, archive string) fstest.MapFS {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	files := fstest.MapFS{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files
		}
		if err != nil {
			t.Fatalf("%s: %v", archive, err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatalf("%s: %s: %v", archive, h.Name, err)
		}
		files[h.Name] = &fstest.MapFile{Data: b}
	}
}
