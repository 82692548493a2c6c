//go:build e2e

package e2e

// What make test must leave as it found it in the reader's engine, checked
// by TestMain around every other test.

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
)

// readersState is what make test must leave as it found it: the reader's
// go-docker-final image and this project's cache mounts (their build-cache
// records), by ID.
func readersState(ctx context.Context) (map[string]string, error) {
	state := map[string]string{}
	if id, err := docker.Output(ctx, "image", "inspect", "--format", "{{.Id}}", "go-docker-final:latest"); err == nil {
		state["image go-docker-final"] = strings.TrimSpace(id)
	}
	mounts, err := docker.CacheMounts(ctx)
	if err != nil {
		return nil, err
	}
	for _, id := range []string{"go-docker-gomod", "go-docker-gocache"} {
		if recs := mounts[id]; len(recs) > 0 {
			state["cache mount "+id] = strings.Join(recs, " ")
		}
	}
	return state, nil
}

// checkReadersState compares with readersState before the tests; it
// returns the exit code, 1 if anything the reader had changed. A cache
// mount id can hold more than one record: BuildKit makes another when the
// first is busy as a step starts (see retryOnBusyCache). The reader's records must all
// be there after the tests; one the tests added beside them is removed, so
// the id is left with what the reader had.
func checkReadersState(ctx context.Context, before map[string]string) int {
	after, err := readersState(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	code := 0
	for what, id := range before {
		had, has := strings.Fields(id), strings.Fields(after[what])
		switch {
		case len(has) == 0:
			fmt.Fprintf(os.Stderr, "e2e: the reader's %s is gone after the tests (was %.25s; the builder's garbage collection can also remove an old cache mount)\n", what, id)
			code = 1
		case !strings.HasPrefix(what, "cache mount ") && id != after[what]:
			fmt.Fprintf(os.Stderr, "e2e: the tests replaced the reader's %s (%.25s before, %.25s after): they must leave it as they found it\n", what, id, after[what])
			code = 1
		default:
			for _, r := range had {
				if !slices.Contains(has, r) {
					fmt.Fprintf(os.Stderr, "e2e: the tests replaced the reader's %s (record %s before, %s after): they must leave it as they found it\n", what, r, after[what])
					code = 1
				}
			}
			for _, r := range has {
				if slices.Contains(had, r) {
					continue
				}
				if out, err := docker.Output(ctx, "buildx", "prune", "-f", "--filter", "id="+r); err != nil {
					fmt.Fprintf(os.Stderr, "e2e: removing the record %s the tests added to the reader's %s: %v: %s\n", r, what, err, out)
					code = 1
				} else {
					fmt.Printf("e2e: removed the record %s the tests added beside the reader's %s\n", r, what)
				}
			}
		}
	}
	if code == 0 {
		fmt.Printf("e2e: the reader's go-docker-final and cache mounts kept their IDs: %d checked\n", len(before))
	}
	return code
}
