// Package devloop is make dev: the loops that bring a saved edit to the
// new code serving in a container shaped like production. The fast loop
// compiles on this machine and restarts the server in its container;
// the image loop is Compose's own watch, rebuilding final.Dockerfile.
package devloop

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// settle is how long the watcher waits after a file event for more: an
// editor's save is often several events (write, chmod, rename).
const settle = 20 * time.Millisecond

// skipDirs are never watched: build outputs (a change there must not
// trigger a build that writes there again), and what is not the program.
var skipDirs = map[string]bool{".git": true, "out": true, "ladder": true, "peers": true, "offline": true, "docs": true, "node_modules": true}

// Source reports whether a path is one a Go build reads: a .go file, or
// go.mod and go.sum.
func Source(path string) bool {
	base := filepath.Base(path)
	return strings.HasSuffix(base, ".go") || base == "go.mod" || base == "go.sum"
}

// Watch calls changed with the source files written since the last call,
// once their events have settled, until ctx ends. It watches root and
// every folder below it but skipDirs; a folder created later is watched
// from then on. ready, if set, is called once every folder is watched: a
// write before then may go unseen.
func Watch(ctx context.Context, root string, ready func(), changed func(paths []string)) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	if err := addTree(w, root); err != nil {
		return err
	}
	if ready != nil {
		ready()
	}
	pending := map[string]bool{}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-w.Errors:
			return err
		case ev := <-w.Events:
			if ev.Has(fsnotify.Create) {
				if info, err := os.Stat(ev.Name); err == nil && info.IsDir() && !skipDirs[filepath.Base(ev.Name)] {
					addTree(w, ev.Name)
				}
			}
			if Source(ev.Name) && !ev.Has(fsnotify.Chmod) {
				pending[ev.Name] = true
				timer.Reset(settle)
			}
		case <-timer.C:
			paths := make([]string, 0, len(pending))
			for p := range pending {
				paths = append(paths, p)
			}
			clear(pending)
			changed(paths)
		}
	}
}

// addTree watches dir and the folders below it, but skipDirs.
func addTree(w *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if path != dir && (skipDirs[d.Name()] || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		return w.Add(path)
	})
}
