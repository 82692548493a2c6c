package cilocal

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Copies gives each action a local copy of its public source at the
// version the workflow pins, under dir, and returns act's flags that use
// them (--local-repository OWNER/REPO@VERSION=DIR). The copies come
// through the Go module proxy, which serves any public repository's
// tagged tree as a module (an action has no go.mod: VERSION+incompatible);
// the actions commit their built dist/, so the tree is the action. act
// would otherwise clone each from GitHub.
func Copies(ctx context.Context, actions []Action, dir string) ([]string, error) {
	var flags []string
	for _, a := range actions {
		dest := filepath.Join(dir, strings.ReplaceAll(a.Repo, "/", "_")+"@"+a.Version)
		if _, err := os.Stat(filepath.Join(dest, "action.yml")); err != nil {
			if err := copyModule(ctx, a, dest); err != nil {
				return nil, err
			}
		}
		flags = append(flags, "--local-repository", a.String()+"="+dest)
	}
	return flags, nil
}

// copyModule downloads the action's tree and copies it to dest, writable
// (CopyFS writes the module cache's read-only files writable), through a folder of its own
// renamed at the end: a copy cut short is never taken for a whole one.
func copyModule(ctx context.Context, a Action, dest string) error {
	mod := "github.com/" + a.Repo + "@" + a.Version + "+incompatible"
	cmd := exec.CommandContext(ctx, "go", "mod", "download", "-json", mod)
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GO111MODULE=on")
	cmd.Dir = os.TempDir()
	out, err := cmd.Output()
	var info struct{ Dir, Error string }
	json.Unmarshal(out, &info)
	if err != nil || info.Dir == "" {
		why := info.Error
		if why == "" && err != nil {
			why = err.Error()
		}
		return fmt.Errorf("cannot get the action %s (go mod download %s: %s): pin a version the Go module proxy serves, or let act clone it", a, mod, why)
	}
	tmp := dest + ".part"
	os.RemoveAll(tmp)
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return err
	}
	if err := os.CopyFS(tmp, os.DirFS(info.Dir)); err != nil {
		return fmt.Errorf("copying %s: %w", a, err)
	}
	os.RemoveAll(dest)
	return os.Rename(tmp, dest)
}
