package render

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Width is the line length the generated prose of README.md and docs/ is
// wrapped at, as the hand-written prose around it is.
const Width = 100

// Wrap wraps the prose lines of a generated block at Width: a list item's
// continuation lines are indented by two spaces, and table rows and blank
// lines stay as they are. A code span or an HTML comment (a marker) is
// never split, and no line starts with what Markdown would read as a new
// block (a list item, a heading, a table row, HTML).
func Wrap(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		switch {
		case l == "" || strings.HasPrefix(l, "|"):
		case strings.HasPrefix(l, "- "):
			lines[i] = wrapLine(l, "  ")
		default:
			lines[i] = wrapLine(l, "")
		}
	}
	return strings.Join(lines, "\n")
}

var (
	// startsABlock matches a word that, first on a line, would end the
	// paragraph: a list marker, a heading, a quote, a table row, HTML.
	startsABlock = regexp.MustCompile(`^([-+*>#|=]+|\d+[.)]|<.*)$`)
	// keepsNext matches a word that stays on the line of the word after
	// it: a figure before its unit ("1.3 s"), a slash between two figures
	// ("37.9kB / 52.2MB").
	keepsNext = regexp.MustCompile(`^(\(?[0-9][0-9.,]*|/)$`)
)

// wrapLine breaks one line between words, so that each line is at most
// Width characters where its words allow; indent starts every line after
// the first. A figure moves to the next line with its unit.
func wrapLine(line, indent string) string {
	var lines [][]string
	cur := []string{}
	length := func(ws []string) int { return utf8.RuneCountInString(strings.Join(ws, " ")) }
	for _, w := range unbreakable(strings.Split(line, " ")) {
		first := len(lines) == 0
		width := Width
		if !first {
			width -= utf8.RuneCountInString(indent)
		}
		if len(cur) == 0 || length(append(cur, w)) <= width || startsABlock.MatchString(w) {
			cur = append(cur, w)
			continue
		}
		// Keep a figure with its unit, and a slash with both its figures,
		// unless the figure would start the line as a list marker ("1.").
		carry := 0
		for carry < len(cur)-1 && keepsNext.MatchString(cur[len(cur)-1-carry]) {
			carry++
		}
		if w == "/" && carry < len(cur)-1 {
			carry++
		}
		for carry > 0 && startsABlock.MatchString(cur[len(cur)-carry]) {
			carry--
		}
		lines = append(lines, cur[:len(cur)-carry])
		cur = append(append([]string{}, cur[len(cur)-carry:]...), w)
	}
	lines = append(lines, cur)
	out := make([]string, len(lines))
	for i, ws := range lines {
		out[i] = strings.Join(ws, " ")
	}
	return strings.Join(out, "\n"+indent)
}

// unbreakable joins the words of a code span, or of an HTML comment, into
// one: a line break inside either would change what a reader copies or
// what the generator finds again.
func unbreakable(words []string) []string {
	var out []string
	open := func(s string) bool {
		return strings.Count(s, "`")%2 == 1 || strings.LastIndex(s, "<!--") > strings.LastIndex(s, "-->")
	}
	for _, w := range words {
		if len(out) > 0 && open(out[len(out)-1]) {
			out[len(out)-1] += " " + w
			continue
		}
		out = append(out, w)
	}
	return out
}
