package render

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-docker/go-docker/ladder/internal/cachedemo"
)

// The cache demo's blocks: its table in docs/ci.md, the rest of its
// shared-builder mode in docs/shared-builder.md.

// UpdateCacheDemo rewrites only the cache demo's blocks of README.md and
// docs/*.md from out/cache-demo.json, and returns the pages it changed.
func UpdateCacheDemo(root, out string) ([]string, error) {
	var demo cachedemo.Report
	if err := readResult(out, "cache-demo.json", "make cache-demo", &demo); err != nil {
		return nil, err
	}
	pages, err := Docs(root)
	if err != nil {
		return nil, err
	}
	var changed []string
	updated := map[string]string{}
	for _, page := range pages {
		b, err := os.ReadFile(filepath.Join(root, page))
		if err != nil {
			return nil, err
		}
		if cacheDemoBlock.Match(b) {
			if updated[page], err = replaceCacheDemo(string(b), demo); err != nil {
				return nil, fmt.Errorf("%s: %w", page, err)
			}
			changed = append(changed, page)
		}
	}
	if err := onePagePerBlock(changed, updated); err != nil {
		return nil, err
	}
	for _, page := range changed {
		if err := os.WriteFile(filepath.Join(root, page), []byte(updated[page]), 0o644); err != nil {
			return nil, err
		}
	}
	return changed, nil
}

// replaceCacheDemo fills the cache demo's blocks: the table, and the
// shared-builder mode's paragraph.
func replaceCacheDemo(s string, demo cachedemo.Report) (string, error) {
	var unknown []string
	out := cacheDemoBlock.ReplaceAllStringFunc(s, func(m string) string {
		g := cacheDemoBlock.FindStringSubmatch(m)
		var text string
		switch g[2] {
		case "":
			// A blank line ends the table before the closing marker.
			text = CacheDemoTable(demo) + "\n"
		case "shared-builder":
			text = SharedBuilderParagraph(demo)
		default:
			unknown = append(unknown, g[2])
			return m
		}
		return g[1] + "\n" + Wrap(text) + g[4]
	})
	if len(unknown) > 0 {
		return "", fmt.Errorf("no cache-demo block named %s: use <!-- cache-demo --> or <!-- cache-demo:shared-builder -->", strings.Join(unknown, ", "))
	}
	return out, nil
}
