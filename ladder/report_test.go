package ladder

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestNewStats(t *testing.T) {
	tests := []struct {
		name    string
		samples []float64
		want    Stats
	}{
		{"one run", []float64{2.5}, Stats{Median: 2.5, Min: 2.5, Max: 2.5}},
		{"odd count", []float64{3, 1, 2}, Stats{Median: 2, Min: 1, Max: 3}},
		{"even count averages the middle two", []float64{4, 1, 2, 3}, Stats{Median: 2.5, Min: 1, Max: 4}},
		{"rounds to milliseconds", []float64{1.23456}, Stats{Median: 1.235, Min: 1.235, Max: 1.235}},
		{"no samples", nil, Stats{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewStats(tt.samples)
			if got.Median != tt.want.Median || got.Min != tt.want.Min || got.Max != tt.want.Max {
				t.Errorf("got %+v, want median %v min %v max %v", got, tt.want.Median, tt.want.Min, tt.want.Max)
			}
			if len(got.Samples) != len(tt.samples) {
				t.Errorf("samples: got %d, want %d kept in order", len(got.Samples), len(tt.samples))
			}
		})
	}
	in := []float64{3, 1, 2}
	NewStats(in)
	if in[0] != 3 {
		t.Error("NewStats sorted its caller's slice")
	}
}

func sampleReport(standIn bool) Report {
	s := func(v float64) Stats { return NewStats([]float64{v}) }
	return Report{
		SchemaVersion: SchemaVersion, Runs: 1, GeneratedAt: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC),
		Environment: Environment{DockerClient: "28.2.2", DockerServer: "20.10.24", BuildKit: "v0.8", Go: "go1.26.8", CPUs: 2, OSArch: "linux/amd64", StandInBases: standIn},
		CacheReset:  "fresh ids",
		Native:      map[string]Native{"dependencies": {Cold: s(25), Edit: s(0.5)}, "simple": {Cold: s(15), Edit: s(0.4)}},
		Rungs: []RungResult{
			{Name: "simple", Dockerfile: "dockerfiles/simple.Dockerfile", Program: "simple", SizeBytes: 330_000_000, Layers: 5,
				BuildS: BuildTimes{Cold: s(15), Noop: s(0.4), Edit: s(14), Dep: s(16)}, ContextBytes: ContextBytes{34_000, 52_000_000}},
			{Name: "final", Dockerfile: "final.Dockerfile", Program: "dependencies", SizeBytes: 8_480_000, Layers: 2,
				BuildS: BuildTimes{Cold: s(25), Noop: s(0.5), Edit: s(1.0), Dep: s(3)}, ContextBytes: ContextBytes{34_000, 52_000_000}},
		},
	}
}

func TestMarkdown(t *testing.T) {
	md := sampleReport(true).Markdown()
	for _, want := range []string{
		"`make compare RUNS=1` on 2026-11-27: 2 CPUs, linux/amd64",
		"**Stand-in base images were used**",
		"| [simple](dockerfiles/simple.Dockerfile) | 330MB | – | 5 | 15 s | 0.4 s | 14 s | 35.0× | 16 s | 34kB / 52MB |",
		"| [final](final.Dockerfile) | 8.48MB | 0.03× | 2 | 25 s | 0.5 s | 1.0 s | 2.0× | 3.0 s | 34kB / 52MB |",
		"`./dependencies` cold 25 s, edit 0.5 s; `./simple` cold 15 s, edit 0.4 s.",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown: want %q in:\n%s", want, md)
		}
	}
	if strings.Contains(sampleReport(false).Markdown(), "Stand-in") {
		t.Error("markdown with real bases mentions stand-ins")
	}
}

func TestChartIsSVG(t *testing.T) {
	svg, err := sampleReport(true).Chart()
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	if !strings.Contains(s, "<svg") || !strings.Contains(s, "Image size") || !strings.Contains(s, "native go build") {
		t.Errorf("chart: want an SVG with both titles and the native line; got %d bytes", len(s))
	}
}

func TestReplaceResults(t *testing.T) {
	readme := "# T\n\n" + ResultsBegin + "\nold\n" + ResultsEnd + "\nafter\n"
	got, err := ReplaceResults(readme, "new\n")
	if err != nil {
		t.Fatal(err)
	}
	want := "# T\n\n" + ResultsBegin + "\nnew\n" + ResultsEnd + "\nafter\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := ReplaceResults("# no markers\n", "x"); err == nil {
		t.Error("no markers: got nil error, want one")
	}
}

func TestParseBuildKitVersion(t *testing.T) {
	out := "Name:          default\nDriver:        docker\n\nNodes:\nName:             default\nBuildKit version: v0.8+unknown\n"
	if got := ParseBuildKitVersion(out); got != "v0.8+unknown" {
		t.Errorf("got %q, want v0.8+unknown", got)
	}
	if got := ParseBuildKitVersion("nothing"); got != "unknown" {
		t.Errorf("got %q, want unknown", got)
	}
}

func TestSchemaAcceptsAReportAndRejectsABrokenOne(t *testing.T) {
	rep := sampleReport(true)
	for i := range rep.Rungs {
		rep.Rungs[i].Image = "go-docker-" + rep.Rungs[i].Name
		rep.Rungs[i].LargestLayerBytes = 1
	}
	js, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if err := validateSchema("compare.schema.json", js); err != nil {
		t.Errorf("a complete report: %v", err)
	}
	rep.Rungs[0].Name = "no-such-rung"
	js, _ = json.Marshal(rep)
	if err := validateSchema("compare.schema.json", js); err == nil {
		t.Error("a report with an unknown rung: got nil error, want one")
	}
}

func TestReplaceNumbers(t *testing.T) {
	readme := "a <!-- numbers:final -->STALE<!-- /numbers --> b <!-- numbers:machine --><!-- /numbers --> <!-- numbers:context --><!-- /numbers -->"
	got, err := ReplaceNumbers(readme, sampleReport(true))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"image 8.48MB (simple had 330MB)", "rebuild after a one-line edit 1.0 s (simple: 14 s)", "a 2-CPU linux/amd64 machine", "stand-in base images", "simple 34kB / 52MB; final 34kB / 52MB."} {
		if !strings.Contains(got, want) {
			t.Errorf("got %q, want it to contain %q", got, want)
		}
	}
	if strings.Contains(got, "STALE") {
		t.Errorf("got %q: the old text stayed", got)
	}
	if _, err := ReplaceNumbers("<!-- numbers:nope --><!-- /numbers -->", sampleReport(true)); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown rung: got %v, want an error naming it", err)
	}
}

func TestReplaceTranscripts(t *testing.T) {
	readme := "x\n<!-- transcript: echo one ;; echo two; false # fails -->\n```console\nstale\n```\ny\n"
	got, err := ReplaceTranscripts(context.Background(), readme, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	want := "x\n<!-- transcript: echo one ;; echo two; false # fails -->\n```console\n$ echo one\none\n$ echo two; false\ntwo\n```\ny\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := ReplaceTranscripts(context.Background(), "<!-- transcript: false -->\n```console\n```\n", t.TempDir()); err == nil {
		t.Error("a failing command: got nil error, want one")
	}
}
