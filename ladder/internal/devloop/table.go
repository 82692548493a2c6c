package devloop

import (
	"fmt"
	"strings"
)

// Table is the report as a Markdown table: each loop's edit → serving and
// edit → healthy medians, its ratio to the native loop, and its parts.
func Table(r Report) string {
	var b strings.Builder
	b.WriteString("| Loop | Started | Edit → serving | × native | Edit → healthy | Parts (medians) |\n|---|---|---:|---:|---:|---|\n")
	for _, l := range r.Loops {
		healthy := "–"
		if l.Healthy != nil {
			healthy = fmt.Sprintf("%.2f s", l.Healthy.Median)
		}
		var parts []string
		for _, p := range l.Parts {
			if s, ok := l.PartS[p]; ok {
				parts = append(parts, fmt.Sprintf("%s %.2f", p, s.Median))
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %.2f s | %.2f | %s | %s |\n", l.Name, l.Mode, l.Serving.Median, l.XNative, healthy, strings.Join(parts, ", "))
	}
	return b.String()
}
