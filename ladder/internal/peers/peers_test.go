package peers

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestSelect(t *testing.T) {
	for _, tc := range []struct {
		list    string
		want    []string
		wantErr string
	}{
		{list: "all", want: []string{DockerInit, Ko}},
		{list: "", want: nil},
		{list: "none", want: nil},
		{list: "ko", want: []string{Ko}},
		{list: "ko, docker-init", want: []string{DockerInit, Ko}},
		{list: "kaniko", wantErr: `unknown peer "kaniko": use some of docker-init,ko, all or none`},
	} {
		t.Run(tc.list, func(t *testing.T) {
			got, err := Select(tc.list)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, p := range got {
				names = append(names, p.Name)
			}
			if !slices.Equal(names, tc.want) {
				t.Errorf("got %q, want %q", names, tc.want)
			}
		})
	}
}

// peerDockerfile is the real peers/docker-init.Dockerfile.
func peerDockerfile(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", All[0].Dockerfile))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestScopeCacheMountsGivesEveryCacheMountAnID(t *testing.T) {
	src := peerDockerfile(t)
	n := strings.Count(src, "--mount=type=cache,")
	if n < 3 {
		t.Fatalf("the docker init Dockerfile has %d cache mounts, want its 3 (two module caches, apk's)", n)
	}
	got := ScopeCacheMounts(src, "cmp1-")
	if c := strings.Count(got, "--mount=type=cache,id=cmp1-docker-init"); c != n {
		t.Errorf("%d of %d cache mounts scoped:\n%s", c, n, got)
	}
	if !strings.Contains(got, "--mount=type=cache,id=cmp1-docker-init/go/pkg/mod/,target=/go/pkg/mod/") {
		t.Errorf("the module cache mount is not scoped to its target:\n%s", got)
	}
	// Nothing else changes.
	if back := regexp.MustCompile(`id=cmp1-docker-init[^,]*,`).ReplaceAllString(got, ""); back != src {
		t.Error("scoping changed more than the cache mounts' ids")
	}
}

func TestAdaptForStandInsReplacesOnlyThePackageSteps(t *testing.T) {
	src := peerDockerfile(t)
	got, err := AdaptForStandIns(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{"# syntax=", "apk --update add", "update-ca-certificates", "adduser", "--disabled-password"} {
		if strings.Contains(got, gone) {
			t.Errorf("still there: %q", gone)
		}
	}
	for _, kept := range []string{"go mod download -x", "GOARCH=$TARGETARCH go build", "FROM alpine:latest AS final", "USER appuser",
		"COPY --from=build /bin/server /bin/", `ENTRYPOINT [ "/bin/server" ]`, "ARG UID=10001",
		"RUN test -s /etc/ssl/certs/ca-certificates.crt", `RUN echo "appuser:x:${UID}:${UID}::/nonexistent:/sbin/nologin" >> /etc/passwd`} {
		if !strings.Contains(got, kept) {
			t.Errorf("missing after adapting: %q", kept)
		}
	}
	if _, err := AdaptForStandIns("# syntax=docker/dockerfile:1\nFROM alpine\nRUN adduser x\n"); err == nil {
		t.Error("a Dockerfile without the apk step was adapted without an error")
	}
}

func TestStandInAliases(t *testing.T) {
	flags := []string{"--build-context", "golang:1.26-alpine=docker-image://go-docker-stand-in/golang:1.26-alpine",
		"--build-context", "alpine:3.23=docker-image://go-docker-stand-in/alpine:3.23"}
	got := StandInAliases(flags, "1.26", "3.23")
	want := []string{"--build-context", "golang:1.26=docker-image://go-docker-stand-in/golang:1.26-alpine",
		"--build-context", "alpine:latest=docker-image://go-docker-stand-in/alpine:3.23"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := StandInAliases(nil, "1.26", "3.23"); len(got) != 0 {
		t.Errorf("real bases: got %q, want none", got)
	}
}

func TestLoadKoConfig(t *testing.T) {
	c, err := LoadKoConfig(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	b, ok := c.Build("./" + Program)
	if !ok || len(b.Flags) == 0 || len(b.Ldflags) == 0 {
		t.Errorf("no build of ./%s with flags in .ko.yaml: %+v", Program, c)
	}
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, KoDir), 0o755)
	os.WriteFile(filepath.Join(dir, KoDir, ".ko.yaml"), []byte("builds: [\n"), 0o644)
	if _, err := LoadKoConfig(dir); err == nil || !strings.Contains(err.Error(), ".ko.yaml") {
		t.Errorf("a broken .ko.yaml: err = %v, want one naming the file", err)
	}
}

// Every peer must know how to set itself up for a run: measure calls
// Prepare on each without asking which peer it is.
func TestEveryPeerCanBePrepared(t *testing.T) {
	for _, p := range All {
		if p.prepare == nil {
			t.Errorf("peer %q has no prepare function", p.Name)
		}
	}
}
