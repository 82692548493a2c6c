package measure

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-docker/go-docker/ladder/internal/peers"
)

// root is the repository, from this package's folder.
var root = filepath.Join("..", "..", "..")

func TestGoBuildFlags(t *testing.T) {
	tests := []struct {
		name, dockerfile string
		want             []string
		wantErr          string
	}{
		{name: "final's step", dockerfile: "FROM base AS build\nRUN --mount=type=cache,target=/go/pkg/mod \\\n    CGO_ENABLED=0 GOOS=$TARGETOS \\\n" +
			"    go build -v -trimpath -buildvcs=false -tags nomsgpack \\\n      -ldflags=\"-s -w -X main.version=${VERSION}\" \\\n" +
			"      -o /out/root/server \"${PACKAGE}\" && \\\n    mkdir -p /out/root/etc\n",
			want: []string{"-trimpath", "-buildvcs=false", "-tags=nomsgpack", "-ldflags=-s -w"}},
		{name: "values as next words", dockerfile: "RUN go build -ldflags '-w -X a.b=c' -gcflags all=-N -o app .\n",
			want: []string{"-ldflags=-w", "-gcflags=all=-N"}},
		{name: "no flags", dockerfile: "RUN go build -o /app ./simple\n", want: nil},
		{name: "no go build", dockerfile: "FROM scratch\nRUN go test ./...\n", wantErr: "no RUN step runs go build"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := GoBuildFlags(tt.dockerfile)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("got %q, %v, want an error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("got %q, %v, want %q", got, err, tt.want)
			}
		})
	}
}

// The native floor builds with final.Dockerfile's flags.
func TestNativeFlagsAreTheProductionRungs(t *testing.T) {
	got, err := NativeFlags(root)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"-trimpath", "-buildvcs=false", "-tags=nomsgpack", "-ldflags=-s -w"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// ko is measured beside the production rung: peers/ko/.ko.yaml must give
// its build the flags final.Dockerfile gives go build, or the comparison
// says nothing. This fails when either side changes without the other.
func TestKoBuildsWithTheProductionRungsFlags(t *testing.T) {
	want, err := NativeFlags(root)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := peers.LoadKoConfig(root)
	if err != nil {
		t.Fatal(err)
	}
	b, ok := cfg.Build("./" + peers.Program)
	if !ok {
		t.Fatalf("%s/.ko.yaml has no build with main: ./%s", peers.KoDir, peers.Program)
	}
	got := goFlags(append(slices.Clone(b.Flags), "-ldflags", strings.Join(b.Ldflags, " ")))
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s/.ko.yaml builds with %q, final.Dockerfile with %q: give ko the production rung's flags", peers.KoDir, got, want)
	}
}
