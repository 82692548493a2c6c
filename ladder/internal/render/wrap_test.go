package render

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// Prose wraps at Width between words; tables, code spans, markers and a
// figure with its unit stay whole, and no line starts a new Markdown block.
func TestWrap(t *testing.T) {
	long := strings.Repeat("word ", 30)
	for _, tc := range []struct {
		name, in string
		check    func(t *testing.T, got string)
	}{
		{"prose at Width", long + "end.", func(t *testing.T, got string) {
			for _, l := range strings.Split(got, "\n") {
				if n := utf8.RuneCountInString(l); n > Width {
					t.Errorf("line of %d characters, want at most %d: %q", n, Width, l)
				}
			}
			if strings.Join(strings.Fields(got), " ") != strings.Join(strings.Fields(long+"end."), " ") {
				t.Errorf("words changed: %q", got)
			}
		}},
		{"a table row stays", "| " + long + " |", func(t *testing.T, got string) {
			if strings.Contains(got, "\n") {
				t.Errorf("got %q, want the row on one line", got)
			}
		}},
		{"a list item's lines are indented", "- " + long + "end.", func(t *testing.T, got string) {
			for _, l := range strings.Split(got, "\n")[1:] {
				if !strings.HasPrefix(l, "  ") {
					t.Errorf("got %q, want continuation lines indented by two spaces", got)
				}
			}
		}},
		{"a code span stays whole", strings.Repeat("w ", 45) + "`docker build --target test -f final.Dockerfile .` end.", func(t *testing.T, got string) {
			if !strings.Contains(got, "`docker build --target test -f final.Dockerfile .`") {
				t.Errorf("got %q, want the code span on one line", got)
			}
		}},
		{"a figure keeps its unit", strings.Repeat("w ", 48) + "1.3 s.<!-- /numbers -->", func(t *testing.T, got string) {
			if !strings.Contains(got, "\n1.3 s.<!-- /numbers -->") {
				t.Errorf("got %q, want 1.3 and its unit, with the marker, on the last line", got)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.check(t, Wrap(tc.in)) })
	}
	// Each of these, first on a line, would start a list, a heading, a
	// table or HTML: the line before keeps it.
	for _, w := range []string{"-", "1.", "#", "|", "<b>", "+"} {
		got := Wrap(strings.Repeat("w ", 50) + w + " x")
		if lines := strings.Split(got, "\n"); len(lines) != 2 || strings.Fields(lines[1])[0] != "x" {
			t.Errorf("%s: got %q, want it kept at the end of the first line", w, got)
		}
	}
}
