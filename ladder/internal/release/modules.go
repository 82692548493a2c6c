package release

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// A Module is a Go module at one version.
type Module struct{ Path, Version string }

// DirectModules are the modules go.mod in dir requires directly (not the
// "// indirect" ones) that the main package pkg, built with tags, compiles
// in: those its SBOM must list (a test-only or tool requirement is not in
// the binary). Each must have its go.sum line at go.mod's version. `go mod
// edit -json` and `go list -deps` read go.mod as the go command does.
func DirectModules(ctx context.Context, dir, pkg, tags string) ([]Module, error) {
	built, err := builtModules(ctx, dir, pkg, tags)
	if err != nil {
		return nil, err
	}
	out, err := goOutput(ctx, dir, "go mod edit -json in "+dir, "mod", "edit", "-json")
	if err != nil {
		return nil, err
	}
	var m struct {
		Require []struct {
			Path     string
			Version  string
			Indirect bool
		}
		Replace []struct{ Old struct{ Path string } }
	}
	if err := json.Unmarshal(out, &m); err != nil {
		return nil, fmt.Errorf("go mod edit -json: %w", err)
	}
	sums, err := readSums(filepath.Join(dir, "go.sum"))
	if err != nil {
		return nil, err
	}
	// A replaced module is in the binary (and the SBOM) as its replacement.
	replaced := map[string]bool{}
	for _, r := range m.Replace {
		replaced[r.Old.Path] = true
	}
	var mods []Module
	for _, r := range m.Require {
		if r.Indirect || !built[r.Path] || replaced[r.Path] {
			continue
		}
		if !sums[r.Path+" "+r.Version] {
			return nil, fmt.Errorf("go.sum has no line for %s %s: run go mod tidy", r.Path, r.Version)
		}
		mods = append(mods, Module{r.Path, r.Version})
	}
	return mods, nil
}

// builtModules are the modules of the packages pkg imports, with tags.
func builtModules(ctx context.Context, dir, pkg, tags string) (map[string]bool, error) {
	out, err := goOutput(ctx, dir, "go list -deps "+pkg, "list", "-deps", "-tags", tags, "-f", "{{with .Module}}{{.Path}}{{end}}", pkg)
	if err != nil {
		return nil, err
	}
	mods := map[string]bool{}
	for _, m := range strings.Fields(string(out)) {
		mods[m] = true
	}
	return mods, nil
}

// goOutput runs the go command with args in dir; its error starts with
// what (the command as the reader knows it), then what go said, or that Go
// is missing.
func goOutput(ctx context.Context, dir, what string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("%s: %s", what, strings.TrimSpace(string(ee.Stderr)))
		}
		return nil, fmt.Errorf("%s: %w (Go is needed to read go.mod)", what, err)
	}
	return out, nil
}

// readSums reads go.sum's "path version" pairs (of the module's zip hash,
// not only its go.mod's). A module without dependencies has no go.sum.
func readSums(path string) (map[string]bool, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return map[string]bool{}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sums := map[string]bool{}
	s := bufio.NewScanner(f)
	for s.Scan() {
		if f := strings.Fields(s.Text()); len(f) == 3 && !strings.HasSuffix(f[1], "/go.mod") {
			sums[f[0]+" "+f[1]] = true
		}
	}
	return sums, s.Err()
}
