package repo

import (
	"os"
	"path/filepath"
	"testing"
)

// A module cache as go writes it (read-only folders and files) is removed
// whole; os.RemoveAll alone fails on it for anyone but root.
func TestRemoveAllRemovesAReadOnlyModuleCache(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "gomodcache")
	mod := filepath.Join(dir, "example.com", "m@v1.0.0")
	if err := os.MkdirAll(mod, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example.com/m\n"), 0o444); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{mod, filepath.Dir(mod)} {
		if err := os.Chmod(d, 0o555); err != nil {
			t.Fatal(err)
		}
	}
	if err := RemoveAll(dir); err != nil {
		t.Fatalf("RemoveAll: %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s still there after RemoveAll (%v)", dir, err)
	}
	if err := RemoveAll(dir); err != nil {
		t.Errorf("RemoveAll of a folder that is gone: %v, want nil", err)
	}
}
