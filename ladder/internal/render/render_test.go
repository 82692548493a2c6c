package render

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/measure"
)

// sampleReport is a small report, two rungs and two peers, with or
// without stand-in bases, whose figures the tests look for in the output.
func sampleReport(standIn bool) measure.Report {
	s := func(v float64) measure.Stats { return measure.NewStats([]float64{v}) }
	return measure.Report{
		SchemaVersion: measure.SchemaVersion, Runs: 1, GeneratedAt: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC),
		Environment: measure.Environment{DockerClient: "28.2.2", DockerServer: "20.10.24", BuildKit: "v0.8", Go: "go1.26.8", CPUs: 2, OSArch: "linux/amd64", StandInBases: standIn},
		CacheReset:  "fresh ids",
		Native:      map[string]measure.Native{"dependencies": {Cold: s(25), Edit: s(0.5)}, "simple": {Cold: s(15), Edit: s(0.4)}},
		Rungs: []measure.RungResult{
			{Number: 1, Name: "simple", Dockerfile: "dockerfiles/simple.Dockerfile", Program: "simple", SizeBytes: 330_000_000, Layers: 5,
				BuildS: measure.BuildTimes{Cold: s(15), Noop: s(0.4), Edit: s(14), Dep: s(16)}, ContextBytes: measure.ContextBytes{WithDockerignore: 34_000, WithoutDockerignore: 52_000_000}},
			{Number: 6, Name: "final", Dockerfile: "final.Dockerfile", Program: "dependencies", SizeBytes: 8_480_000, Layers: 2,
				BuildS: measure.BuildTimes{Cold: s(25), Noop: s(0.5), Edit: s(1.0), Dep: s(3)}, ContextBytes: measure.ContextBytes{WithDockerignore: 34_000, WithoutDockerignore: 52_000_000}},
		},
		Peers: []measure.PeerResult{
			{Name: "docker-init", Summary: "docker init's", Dockerfile: "peers/docker-init.Dockerfile", Image: "go-docker-peer-docker-init:compare-1",
				SizeBytes: 25_440_000, Size: "25.4MB", Layers: 5, BuildS: measure.BuildTimes{Cold: s(30), Noop: s(0.5), Edit: s(24), Dep: s(28)}, Adapted: "no apk"},
			{Name: "ko", Summary: "ko's", Image: "ko.local/go-docker-peer-ko:compare-1",
				SizeBytes: 8_500_000, Size: "8.5MB", Layers: 2, BuildS: measure.BuildTimes{Cold: s(50), Noop: s(1.5), Edit: s(2.0), Dep: s(4)}},
		},
	}
}

// The peers table compares each peer with the production rung, in figures
// and ratios, and says when to pick each, without repeating the table's
// figures.
func TestPeersTable(t *testing.T) {
	got, ok := PeersTable(sampleReport(true), "final")
	if !ok {
		t.Fatal("no table")
	}
	for _, want := range []string{
		"| final (Rung 6) | 8.48MB | 25 s | 0.5 s | 1.0 s |",
		"| docker-init | 25.4MB (3.0×) | 30 s (1.2×) | 0.5 s (1.0×) | 24 s (24.0×) |",
		"| ko | 8.5MB (1.0×) | 50 s (2.0×) | 1.5 s (3.0×) | 2.0 s (2.0×) |",
		"- **docker-init.** Pick `docker init`'s Dockerfile", "- **ko.** Pick ko when",
		"The run of the summary at the top; in brackets, each figure divided by final's.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	_, bullets, _ := strings.Cut(got, "\n- ")
	for _, figure := range []string{"24 s", "25.4MB", "8.5MB", "8.48MB", "1.0 s"} {
		if strings.Contains(bullets, figure) {
			t.Errorf("the bullets repeat the table's %s:\n%s", figure, bullets)
		}
	}
	rep := sampleReport(false)
	rep.Peers = nil
	if _, ok := PeersTable(rep, "final"); ok {
		t.Error("a report without peers gave a table")
	}
	// The production rung is found by its name, wherever it stands; a
	// report without it has no table.
	rep = sampleReport(true)
	rep.Rungs[0], rep.Rungs[1] = rep.Rungs[1], rep.Rungs[0]
	if got, _ := PeersTable(rep, "final"); !strings.Contains(got, "| final (Rung 6) | 8.48MB |") {
		t.Errorf("final listed first: want it compared all the same, got:\n%s", got)
	}
	if _, ok := PeersTable(rep, "mounts"); ok {
		t.Error("a report without the production rung gave a table")
	}
	// The full table lists every scenario of each peer, and what was adapted.
	md := Table(sampleReport(true), "..", "final")
	for _, want := range []string{"| [docker-init](../peers/docker-init.Dockerfile) | 25.4MB | 5 | 30 s | 0.5 s | 24 s | 28 s |",
		"| ko | 8.5MB | 2 | 50 s | 1.5 s | 2.0 s | 4.0 s |", "On this machine: no apk."} {
		if !strings.Contains(md, want) {
			t.Errorf("Table: missing %q in:\n%s", want, md)
		}
	}
}

// The full table has a row per rung with its links, ratios and the native
// floor, and says when stand-in bases were used.
func TestTable(t *testing.T) {
	md := Table(sampleReport(true), "..", "final")
	for _, want := range []string{
		"`make compare RUNS=1` on 2026-11-27: 2 CPUs, linux/amd64",
		"**Stand-in base images were used**",
		"| 1. [simple](../dockerfiles/simple.Dockerfile) | 330MB | – | 5 | 15 s | 0.4 s | 14 s | 35.0× | 16 s | 34kB / 52MB |",
		"| 6. [final](../final.Dockerfile) | 8.48MB | 0.03× | 2 | 25 s | 0.5 s | 1.0 s | 2.0× | 3.0 s | 34kB / 52MB |",
		"`./dependencies` cold 25 s, edit 0.5 s; `./simple` cold 15 s, edit 0.4 s.",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown: want %q in:\n%s", want, md)
		}
	}
	if strings.Contains(Table(sampleReport(false), "..", "final"), "Stand-in") {
		t.Error("markdown with real bases mentions stand-ins")
	}
}

// The chart is an SVG with both plots and the native floor.
func TestChartIsSVG(t *testing.T) {
	svg, err := Chart(sampleReport(true), "final")
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	if !strings.Contains(s, "<svg") || !strings.Contains(s, "Image size") || !strings.Contains(s, "native go build") {
		t.Errorf("chart: want an SVG with both titles and the native line; got %d bytes", len(s))
	}
}

// Only what is between the results markers changes; a page without them
// is an error.
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

// The schema accepts a complete report and rejects an unknown rung or
// peer: what it promises readers, a report keeps.
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
	if err := measure.ValidateSchema(filepath.Join("..", "..", "compare.schema.json"), js); err != nil {
		t.Errorf("a complete report: %v", err)
	}
	rep.Rungs[0].Name = "no-such-rung"
	js, _ = json.Marshal(rep)
	if err := measure.ValidateSchema(filepath.Join("..", "..", "compare.schema.json"), js); err == nil {
		t.Error("a report with an unknown rung: got nil error, want one")
	}
	rep = sampleReport(true)
	for i := range rep.Rungs {
		rep.Rungs[i].Image = "go-docker-" + rep.Rungs[i].Name
		rep.Rungs[i].LargestLayerBytes = 1
	}
	rep.Peers[1].Name = "kaniko"
	js, _ = json.Marshal(rep)
	if err := measure.ValidateSchema(filepath.Join("..", "..", "compare.schema.json"), js); err == nil {
		t.Error("a report with an unknown peer: got nil error, want one")
	}
}

// Numbers blocks get the named rung's figures; an unknown name is an
// error that names it.
func TestReplaceNumbers(t *testing.T) {
	readme := "a <!-- numbers:final -->STALE<!-- /numbers --> b <!-- numbers:context --><!-- /numbers -->"
	got, err := ReplaceNumbers(readme, sampleReport(true), "final")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"edit rebuild 1.0 s (simple: 14 s; native `go build`: 0.5 s)",
		"dependency change 3.0 s.", "Every rung's build context: 34kB with `.dockerignore`, 52MB without."} {
		if !strings.Contains(strings.ReplaceAll(got, "\n", " "), want) {
			t.Errorf("got %q, want it to contain %q", got, want)
		}
	}
	if strings.Contains(got, "STALE") {
		t.Errorf("got %q: the old text stayed", got)
	}
	// The size and cold build are the transcript's, a run of its own,
	// beside the block: the block does not repeat another run's.
	if strings.Contains(got, "8.48MB") || strings.Contains(got, "cold build") {
		t.Errorf("got %q: the rung block repeats the size or cold build its transcript shows", got)
	}
	for _, name := range []string{"nope", "machine"} {
		if _, err := ReplaceNumbers("<!-- numbers:"+name+" --><!-- /numbers -->", sampleReport(true), "final"); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("unknown block %s: got %v, want an error naming it", name, err)
		}
	}
}

// Rungs whose contexts differ are named with their own figures, each
// figure once.
func TestContextSentenceGroupsEqualFigures(t *testing.T) {
	rep := sampleReport(true)
	rep.Rungs = append(rep.Rungs, rep.Rungs[0])
	rep.Rungs[2].Name = "mounts"
	rep.Rungs[2].ContextBytes.WithDockerignore = 41_000
	got, _ := ContextSentence(rep)
	want := "Build context with / without `.dockerignore`: simple, final 34kB / 52MB; mounts 41kB / 52MB."
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// A few bytes apart, the same figures as printed: one group.
	rep.Rungs[2].ContextBytes.WithDockerignore = 34_012
	rep.Rungs[2].ContextBytes.WithoutDockerignore = 52_000_400
	if got, _ := ContextSentence(rep); got != "Every rung's build context: 34kB with `.dockerignore`, 52MB without." {
		t.Errorf("contexts a few bytes apart: got %q, want one figure for every rung", got)
	}
}

// A transcript shows each command after a $ prompt, then its output; a
// failing command stops the update unless it is marked # fails.
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
	// A long marker is wrapped before its ";;": each command still runs
	// alone, and the marker stays as it was written.
	readme = "<!-- transcript: echo one\n;; echo two -->\n```console\n```\n"
	got, err = ReplaceTranscripts(context.Background(), readme, t.TempDir())
	if want := "<!-- transcript: echo one\n;; echo two -->\n```console\n$ echo one\none\n$ echo two\ntwo\n```\n"; err != nil || got != want {
		t.Errorf("a marker on two lines: got %q, %v; want %q", got, err, want)
	}
	if _, err := ReplaceTranscripts(context.Background(), "<!-- transcript: false -->\n```console\n```\n", t.TempDir()); err == nil {
		t.Error("a failing command: got nil error, want one")
	}
}

// The summary lists every rung's size and rebuild times; an empty report
// gives none.
// make readme-page reruns one page's transcripts in a copy, and touches no
// other page; a page that is not there, or has no transcript, is an error.
func TestUpdatePageTranscripts(t *testing.T) {
	root := t.TempDir()
	block := "<!-- transcript: echo one -->\n```console\nstale\n```\n"
	for name, text := range map[string]string{"README.md": block, "docs/a.md": "# a\n" + block, "docs/b.md": "# b\n"} {
		os.MkdirAll(filepath.Dir(filepath.Join(root, name)), 0o755)
		if err := os.WriteFile(filepath.Join(root, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := UpdatePageTranscripts(context.Background(), root, "docs/a.md"); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(root, "docs/a.md")); !strings.Contains(string(got), "$ echo one\none\n") || strings.Contains(string(got), "stale") {
		t.Errorf("docs/a.md: %q", got)
	}
	if got, _ := os.ReadFile(filepath.Join(root, "README.md")); !strings.Contains(string(got), "stale") {
		t.Errorf("README.md changed: %q", got)
	}
	for page, want := range map[string]string{"docs/nope.md": `no page "docs/nope.md"`, "docs/b.md": "docs/b.md has no transcript block"} {
		if err := UpdatePageTranscripts(context.Background(), root, page); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", page, err, want)
		}
	}
}

func TestSummary(t *testing.T) {
	got, ok := Summary(sampleReport(true), "final")
	if !ok {
		t.Fatal("no summary for a report with rungs")
	}
	for _, want := range []string{"| 1. simple | 330MB | 14 s | 15 s |", "| 6. final | 8.48MB | 1.0 s | 25 s |",
		"One run of `make compare`", "stand-in base images", "native `go build` after the same edit takes 0.5 s"} {
		if !strings.Contains(got, want) {
			t.Errorf("summary: want %q in:\n%s", want, got)
		}
	}
	if _, ok := Summary(measure.Report{}, "final"); ok {
		t.Error("a report without rungs: got a summary, want none")
	}
}
