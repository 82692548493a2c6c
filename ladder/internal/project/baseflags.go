package project

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Where the official base images cannot be pulled, offline/setup.sh builds
// stand-ins and writes the flags that point builds at them into a file the
// Makefile includes, one per pair of versions. Without the file, builds
// use the official images.

// BaseFlagsFile is that file, relative to the repository's root.
func BaseFlagsFile(goVersion, alpineVersion string) string {
	return filepath.Join("offline", "build-flags-go"+goVersion+"-alpine"+alpineVersion+".mk")
}

// LoadBaseFlags reads the base flags of the repository at root for a pair
// of versions: none when the file is absent.
func LoadBaseFlags(root, goVersion, alpineVersion string) ([]string, error) {
	rel := BaseFlagsFile(goVersion, alpineVersion)
	b, err := os.ReadFile(filepath.Join(root, rel))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return ParseBaseFlags(rel, b)
}

// ParseBaseFlags reads the file's make syntax: comment lines start with #,
// and one line `BASE_FLAGS := <flags>` holds the flags (maybe none),
// separated by spaces. name is the file's, for the error: a file without
// that line is not offline/setup.sh's, and make setup writes it again.
func ParseBaseFlags(name string, b []byte) ([]string, error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") {
			continue
		}
		if k, v, ok := strings.Cut(line, ":="); ok && strings.TrimSpace(k) == "BASE_FLAGS" {
			return strings.Fields(v), nil
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return nil, fmt.Errorf("%s has no BASE_FLAGS := line: run make setup to write it again", name)
}

// ComposeStandIns is the file offline/setup.sh writes beside the base
// flags for Compose (the same stand-ins as additional_contexts of
// compose.yaml's build), or "" where there is none.
func ComposeStandIns(root, goVersion, alpineVersion string) string {
	f := filepath.Join(root, "offline", "compose-go"+goVersion+"-alpine"+alpineVersion+".yaml")
	if _, err := os.Stat(f); err != nil {
		return ""
	}
	return f
}
