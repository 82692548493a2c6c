package ladder

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The README's results block sits between these markers; UpdateReadme
// rewrites what is between them.
const (
	ResultsBegin = "<!-- results:begin (make readme-results writes this block) -->"
	ResultsEnd   = "<!-- results:end -->"
	// ChartPath is where the chart is kept for README.md.
	ChartPath = "docs/compare.svg"
)

// UpdateReadme copies out/compare.md and out/compare.svg into README.md and
// docs/compare.svg.
func UpdateReadme(root, out string) error {
	md, err := os.ReadFile(filepath.Join(out, "compare.md"))
	if errors.Is(err, os.ErrNotExist) {
		return errors.New("no out/compare.md: run make compare first")
	} else if err != nil {
		return err
	}
	svg, err := os.ReadFile(filepath.Join(out, "compare.svg"))
	if err != nil {
		return fmt.Errorf("no out/compare.svg: run make compare first (%w)", err)
	}
	readmePath := filepath.Join(root, "README.md")
	readme, err := os.ReadFile(readmePath)
	if err != nil {
		return err
	}
	updated, err := ReplaceResults(string(readme), string(md)+"\n![Image size and edit-rebuild time per rung]("+ChartPath+")\n")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(root, filepath.Dir(ChartPath)), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(root, ChartPath), svg, 0o644); err != nil {
		return err
	}
	return os.WriteFile(readmePath, []byte(updated), 0o644)
}

// ReplaceResults puts block between the results markers of readme.
func ReplaceResults(readme, block string) (string, error) {
	i := strings.Index(readme, ResultsBegin)
	j := strings.Index(readme, ResultsEnd)
	if i < 0 || j < i {
		return "", fmt.Errorf("README.md has no results block: want the lines %q and %q", ResultsBegin, ResultsEnd)
	}
	return readme[:i+len(ResultsBegin)] + "\n" + block + readme[j:], nil
}
