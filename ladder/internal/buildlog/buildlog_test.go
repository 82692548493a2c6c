package buildlog

import (
	"slices"
	"strings"
	"testing"
)

// A trimmed real log of the final rung after a one-line edit.
const editLog = `#0 building with "default" instance using docker driver

#1 [internal] load build definition from final.Dockerfile
#1 transferring dockerfile: 4.02kB done
#1 DONE 0.0s

#9 [internal] load build context
#9 transferring context: 33.99kB done
#9 DONE 0.0s

#8 [base 1/3] FROM golang:1.26-alpine
#8 DONE 0.0s

#10 [base 2/3] WORKDIR /src
#10 CACHED

#11 [base 3/3] RUN --mount=type=cache,id=go-docker-gomod,target=/go/pkg/mod     go mod download
#11 CACHED

#12 [build 1/1] RUN --mount=type=cache,id=go-docker-gocache,target=/root/.cache/go-build     go build -v ./dependencies
#12 0.310 github.com/go-docker/go-docker/dependencies
#12 DONE 0.7s

#14 [runtime 2/2] COPY --from=build /out/server /server
#14 DONE 0.0s
`

func TestParseProgress(t *testing.T) {
	p, err := Parse(strings.NewReader(editLog))
	if err != nil {
		t.Fatal(err)
	}
	if p.ContextBytes != 33990 {
		t.Errorf("context bytes: got %d, want 33990", p.ContextBytes)
	}
	tests := []struct {
		name       string
		find       string
		wantCached bool
		wantOutput []string
	}{
		{"cached download", "go mod download", true, nil},
		{"rebuilt package", "go build", false, []string{"github.com/go-docker/go-docker/dependencies"}},
		{"copied binary", "COPY --from=build", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ok := p.Find(tt.find)
			if !ok {
				t.Fatalf("no step containing %q", tt.find)
			}
			if s.Cached != tt.wantCached {
				t.Errorf("cached: got %v, want %v", s.Cached, tt.wantCached)
			}
			if strings.Join(s.Output, "|") != strings.Join(tt.wantOutput, "|") {
				t.Errorf("output: got %q, want %q", s.Output, tt.wantOutput)
			}
		})
	}
	if s, _ := p.Find("go build"); s.Seconds != 0.7 {
		t.Errorf("go build step seconds: got %v, want 0.7", s.Seconds)
	}
	if ran, cached := p.Ran(); ran != 2 || cached != 2 {
		t.Errorf("ran/cached: got %d/%d, want 2/2", ran, cached)
	}
}

func TestParseProgressInterleaved(t *testing.T) {
	// BuildKit repeats a step's name when its output resumes after another
	// step's, and reports a long context transfer several times.
	log := `#5 [internal] load build context
#5 transferring context: 1.05MB 0.5s
#6 [build 1/2] RUN go mod download
#6 0.101 go: downloading github.com/gin-gonic/gin v1.12.0
#5 transferring context: 52.43MB 1.0s done
#5 DONE 1.0s
#6 [build 1/2] RUN go mod download
#6 3.002 go: downloading github.com/sirupsen/logrus v1.10.2
#6 ERROR: process "/bin/sh -c go mod download" did not complete successfully
`
	p, err := Parse(strings.NewReader(log))
	if err != nil {
		t.Fatal(err)
	}
	if p.ContextBytes != 52430000 {
		t.Errorf("context bytes: got %d, want the last report, 52430000", p.ContextBytes)
	}
	if len(p.Steps) != 2 {
		t.Fatalf("steps: got %d, want 2", len(p.Steps))
	}
	s := p.Steps[1]
	if len(s.Output) != 2 || !s.Error || s.Done {
		t.Errorf("step 6: got %+v, want 2 output lines, ERROR, not DONE", s)
	}
}

func TestParseProgressWithoutContext(t *testing.T) {
	p, err := Parse(strings.NewReader("#1 [internal] load build definition\n#1 DONE 0.0s\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p.ContextBytes != -1 {
		t.Errorf("context bytes: got %d, want -1 (not reported)", p.ContextBytes)
	}
}

// A step answered by an imported cache may print the layers it pulled and
// DONE instead of CACHED (BuildKit 0.33); named build contexts resolve an
// image, like FROM.
func TestRanCountsPulledStepsAsCached(t *testing.T) {
	log := `#2 [context golang:1.26-alpine] load metadata for go-docker-stand-in/golang:1.26-alpine
#2 DONE 0.0s
#7 [base 1/3] WORKDIR /src
#7 CACHED
#8 [base 2/3] RUN go mod download
#8 sha256:44e19521ac33a7f0acf24fa400e1f4a0f1d0cc8facc22f42d050dc732eb9ad37 684B / 684B 0.0s done
#8 extracting sha256:44e19521ac33a7f0acf24fa400e1f4a0f1d0cc8facc22f42d050dc732eb9ad37 0.0s done
#8 DONE 0.1s
#9 [build 1/1] RUN go build -v ./dependencies
#9 0.512 github.com/go-docker/go-docker/dependencies
#9 DONE 0.7s
`
	p, err := Parse(strings.NewReader(log))
	if err != nil {
		t.Fatal(err)
	}
	if ran, cached := p.Ran(); ran != 1 || cached != 2 {
		t.Errorf("Ran: got %d ran, %d cached, want 1 and 2", ran, cached)
	}
	if s, _ := p.Find("go mod download"); !s.Pulled || !s.FromCache() || len(s.Output) != 0 {
		t.Errorf("pulled step: got %+v, want Pulled, from the cache, no output", s)
	}
}

func TestBreakdownSplitsWallTimeByStep(t *testing.T) {
	log := `#1 [internal] load build definition from final.Dockerfile
#1 DONE 0.1s
#2 [context golang:1.26-alpine] load metadata for go-docker-stand-in/golang:1.26-alpine
#2 DONE 0.2s
#4 [internal] load build context
#4 DONE 0.1s
#7 [base 1/3] WORKDIR /src
#7 CACHED
#9 [build 1/1] RUN go build -v ./dependencies
#9 DONE 0.6s
#10 [runtime 2/2] COPY --from=build /out/server /server
#10 DONE 0.1s
#11 exporting to image
#11 DONE 0.3s
`
	p, err := Parse(strings.NewReader(log))
	if err != nil {
		t.Fatal(err)
	}
	got := p.Breakdown(2.0)
	want := Breakdown{Context: 0.2, Metadata: 0.2, GoBuild: 0.6, Steps: 0.1, Export: 0.3, Other: 0.6}
	near := func(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }
	if !near(got.Context, want.Context) || !near(got.Metadata, want.Metadata) || !near(got.GoBuild, want.GoBuild) ||
		!near(got.Steps, want.Steps) || !near(got.Export, want.Export) || !near(got.Other, want.Other) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestStepLists(t *testing.T) {
	s := Step{Output: []string{"github.com/gin-gonic/gin/internal/bytesconv", "github.com/go-docker/go-docker/dependencies"}}
	for prefix, want := range map[string]bool{
		"github.com/gin-gonic/gin":       true,
		"github.com/go-docker/go-docker": true,
		"github.com/sirupsen/logrus":     false,
		"gin-gonic":                      false, // a prefix, not a substring
	} {
		if got := s.Lists(prefix); got != want {
			t.Errorf("Lists(%q): got %v, want %v", prefix, got, want)
		}
	}
}

func TestStepPackages(t *testing.T) {
	for _, c := range []struct {
		output, want []string
	}{
		{[]string{"github.com/go-docker/go-docker/dependencies"}, []string{"github.com/go-docker/go-docker/dependencies"}},
		{[]string{"go: downloading github.com/gin-gonic/gin v1.12.0", "github.com/gin-gonic/gin", "example.com/app"}, []string{"github.com/gin-gonic/gin", "example.com/app"}},
		{[]string{"go: downloading github.com/gin-gonic/gin v1.12.0"}, nil},
		{nil, nil},
	} {
		if got := (Step{Output: c.output}).Packages(); !slices.Equal(got, c.want) {
			t.Errorf("Packages of %q: got %q, want %q", c.output, got, c.want)
		}
	}
}
