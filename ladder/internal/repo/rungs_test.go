package repo

import (
	"strings"
	"testing"
)

const catalogue = `# comment
simple   dockerfiles/simple.Dockerfile   simple        -                    One stage.
final    final.Dockerfile                dependencies  version,reproducible,production The one to copy.
`

func TestParse(t *testing.T) {
	rungs, err := Parse([]byte(catalogue))
	if err != nil {
		t.Fatal(err)
	}
	if len(rungs) != 2 {
		t.Fatalf("got %d rungs, want 2", len(rungs))
	}
	f := rungs[1]
	if f.Number != 2 || f.Name != "final" || f.Dockerfile != "final.Dockerfile" || f.Program != "dependencies" ||
		!f.Reproducible() || !f.Production() || f.Summary != "The one to copy." || rungs[0].Reproducible() || rungs[0].Production() {
		t.Errorf("got %+v", rungs)
	}
	if p := Production(rungs); p.Name != "final" {
		t.Errorf("Production: got %s, want final", p.Name)
	}
	tests := []struct{ name, text, want string }{
		{"too few columns", "simple dockerfiles/simple.Dockerfile simple\n", "line 1: want name"},
		{"unknown option", "simple a.Dockerfile simple turbo Fast.\n", `unknown option "turbo"`},
		{"listed twice", "a a.Dockerfile p - A.\na b.Dockerfile p production B.\n", "rung a listed twice"},
		{"empty", "# nothing\n", "no rungs"},
		{"no production rung", "a a.Dockerfile p - A.\nb b.Dockerfile p version B.\n", "no rung is marked production"},
		{"two production rungs", "a a.Dockerfile p production A.\nb b.Dockerfile p version,production B.\n", "rungs a, b are all marked production: mark only the one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse([]byte(tt.text)); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestSelect(t *testing.T) {
	all, _ := Parse([]byte(catalogue))
	if got, err := Select(all, ""); err != nil || len(got) != 2 {
		t.Errorf("Select(\"\"): got %d rungs, %v, want all", len(got), err)
	}
	if got, err := Select(all, "final, simple"); err != nil || len(got) != 2 || got[0].Name != "final" {
		t.Errorf("Select(final, simple): got %+v, %v", got, err)
	}
	_, err := Select(all, "simple,nope")
	if err == nil || !strings.Contains(err.Error(), `unknown rung "nope": use one of simple, final`) {
		t.Errorf("Select(nope): got %v, want an error naming it and listing the rungs", err)
	}
}

func TestTheCatalogueLoads(t *testing.T) {
	root, err := Root(".")
	if err != nil {
		t.Fatal(err)
	}
	rungs, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	if p := Production(rungs); p.Name != "final" {
		t.Errorf("production rung: got %s, want final (the one readers copy)", p.Name)
	}
}

func TestScopeCacheIDs(t *testing.T) {
	if got := ScopeCacheIDs("RUN --mount=type=cache,id=go-docker-gomod,target=/go/pkg/mod", "x-"); got != "RUN --mount=type=cache,id=x-gomod,target=/go/pkg/mod" {
		t.Errorf("ScopeCacheIDs: got %q", got)
	}
}
