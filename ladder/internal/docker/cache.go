package docker

// The build-cache records builds leave: listing them, the cache mounts
// among them, and removing those a measurement or a test added.

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// cacheRecord is one build-cache record as docker system df lists it.
type cacheRecord struct{ ID, CacheType, Description string }

// buildCache lists the build-cache records that exist now.
func (d Docker) buildCache(ctx context.Context) ([]cacheRecord, error) {
	out, err := d.Output(ctx, "system", "df", "-v", "--format", "{{json .BuildCache}}")
	if err != nil {
		return nil, err
	}
	return parseBuildCache([]byte(out))
}

// parseBuildCache reads docker system df's JSON list of build-cache records.
func parseBuildCache(b []byte) ([]cacheRecord, error) {
	var recs []cacheRecord
	if err := json.Unmarshal(b, &recs); err != nil {
		return nil, fmt.Errorf("parsing docker system df: %w", err)
	}
	return recs, nil
}

// CacheRecordIDs lists the ids of the build cache records that exist now.
func (d Docker) CacheRecordIDs(ctx context.Context) (map[string]bool, error) {
	recs, err := d.buildCache(ctx)
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, r := range recs {
		ids[r.ID] = true
	}
	return ids, nil
}

// CacheMounts lists the build-cache records of every cache mount, by the
// mount's id: its id= option, or its target where it has none. One id can
// hold more than one record: BuildKit starts a new, empty one when the
// record is busy as a step starts (moby/buildkit#883).
func (d Docker) CacheMounts(ctx context.Context) (map[string][]string, error) {
	recs, err := d.buildCache(ctx)
	if err != nil {
		return nil, err
	}
	return cacheMounts(recs)
}

// cacheMounts groups the cache-mount records by id. A cache mount's
// description is "cached mount TARGET from exec COMMAND", followed by
// ` with id "/ID"` when that differs from TARGET: always for a
// Dockerfile's mounts, whose ID is its id= or, without one, TARGET, so
// that a mount without id= reads ` with id "//TARGET"`.
func cacheMounts(recs []cacheRecord) (map[string][]string, error) {
	mounts := map[string][]string{}
	for _, r := range recs {
		if r.CacheType != "exec.cachemount" {
			continue
		}
		rest, ok := strings.CutPrefix(r.Description, "cached mount ")
		target, _, found := strings.Cut(rest, " from ")
		if !ok || !found {
			return nil, fmt.Errorf("cache mount %s: unexpected description %q", r.ID, r.Description)
		}
		id := target
		if i := strings.LastIndex(r.Description, ` with id "`); i >= 0 && strings.HasSuffix(r.Description, `"`) {
			id = strings.TrimPrefix(r.Description[i+len(` with id "`):len(r.Description)-1], "/")
		}
		mounts[id] = append(mounts[id], strings.TrimSuffix(r.ID, "*"))
	}
	for _, ids := range mounts {
		slices.Sort(ids)
	}
	return mounts, nil
}

// PruneCacheSince removes the build cache records that are not in before
// (from CacheRecordIDs), and no other. A record with children cannot go
// before them, so it repeats while that helps.
func (d Docker) PruneCacheSince(ctx context.Context, before map[string]bool) {
	for pass := 0; pass < 8; pass++ {
		now, err := d.CacheRecordIDs(ctx)
		if err != nil {
			return
		}
		left := 0
		for id := range now {
			if !before[id] {
				left++
				d.Output(ctx, "builder", "prune", "-af", "--filter", "id="+id)
			}
		}
		if left == 0 {
			return
		}
	}
}
