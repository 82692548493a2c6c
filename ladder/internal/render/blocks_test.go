package render

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/go-docker/go-docker/ladder/internal/cachedemo"
)

// page is a README in small: the summary, a rung's section, the context
// section, the production rung's and the peers, each block still holding what
// an older generator wrote.
const page = `# T

<!-- numbers:summary -->STALE<!-- /numbers -->

**What to notice.** Prose. <!-- numbers:simple -->STALE; build context 1kB.<!-- /numbers -->

Context prose. <!-- numbers:context -->STALE, simple 1kB / 2MB; final 1kB / 2MB.<!-- /numbers -->

**What to notice.** Prose. <!-- numbers:final -->STALE; build context 1kB.<!-- /numbers -->

<!-- numbers:peers -->STALE<!-- /numbers -->
`

// The generated blocks read like the prose around them: wrapped at Width
// (tables aside), each prose block on the lines after its opening marker,
// the build context said once, and what stand-in base images are said
// where the page first names them. A second run changes nothing.
func TestGeneratedBlocksAreWrappedAndSayEachFigureOnce(t *testing.T) {
	got, err := ReplaceNumbers(page, sampleReport(true), "final")
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(got, "\n") {
		if n := utf8.RuneCountInString(l); n > Width && !strings.HasPrefix(l, "|") {
			t.Errorf("line %d has %d characters, want at most %d: %q", i+1, n, Width, l)
		}
		if strings.HasPrefix(l, "<!-- numbers:") && !strings.HasSuffix(l, "-->") {
			t.Errorf("line %d: text after an opening marker that starts a line is raw HTML to Markdown: %q", i+1, l)
		}
	}
	if !strings.Contains(got, "Prose. <!-- numbers:simple -->\nMeasured by `make compare`: edit rebuild") {
		t.Errorf("want the rung's figures on the line after the prose that ends with their marker:\n%s", got)
	}
	if n := strings.Count(got, "34kB"); n != 1 {
		t.Errorf("the build context appears %d times, want once (the context block):\n%s", n, got)
	}
	if !strings.Contains(got, "<!-- numbers:context -->\nEvery rung's build context: 34kB") {
		t.Errorf("the context block: want every rung's figure, once:\n%s", got)
	}
	flat := strings.ToLower(strings.ReplaceAll(got, "\n", " "))
	stand := strings.Index(flat, "stand-in base images")
	if stand < 0 || stand > strings.Index(flat, "<!-- /numbers -->") || !strings.Contains(got, "(docs/without-a-registry.md)") {
		t.Errorf("want stand-in base images explained in the summary, their first mention:\n%s", got)
	}
	if strings.Contains(got, "STALE") {
		t.Errorf("an old block stayed:\n%s", got)
	}
	again, err := ReplaceNumbers(got, sampleReport(true), "final")
	if err != nil || again != got {
		t.Errorf("a second run changed the page (%v):\n%s", err, again)
	}
}

// sampleDemo is a cache demo with its shared-builder mode.
func sampleDemo() cachedemo.Report {
	return cachedemo.Report{GeneratedAt: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC), RegistryImage: "registry:3",
		Modes: []cachedemo.Mode{
			{Name: "inline", ColdS: 50, CacheBytes: 3_500_000, EmptyBuilderEditS: 48, PackagesCompiledAfterEdit: 300},
			{Name: cachedemo.SharedBuilderMode, ColdS: 55, EmptyBuilderEditS: 2.2, PackagesCompiledAfterEdit: 1},
		},
		SharedBuilder: &cachedemo.SharedBuilder{Image: "moby/buildkit:v0.34.2", Endpoint: "tcp://127.0.0.1:1234",
			AcceptedClientCert: true, EditLoadS: 2.2, EditPushS: 1.8, PushedBytes: 3_500_000},
	}
}

// The cache demo's table and its shared-builder paragraph are two blocks,
// each on one page: a block on two pages is refused, before any page is
// written, and names both pages.
func TestCacheDemoBlocksLiveOnOnePageEach(t *testing.T) {
	root, out := t.TempDir(), t.TempDir()
	js, err := json.Marshal(sampleDemo())
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) {
		t.Helper()
		os.MkdirAll(filepath.Dir(filepath.Join(root, name)), 0o755)
		if err := os.WriteFile(filepath.Join(root, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("README.md", "# T\n")
	write("docs/ci.md", "# CI\n\n<!-- cache-demo -->\nold\n<!-- /cache-demo -->\n")
	write("docs/shared-builder.md", "# SB\n\n<!-- cache-demo:shared-builder -->\nold\n<!-- /cache-demo -->\n")
	if err := os.WriteFile(filepath.Join(out, "cache-demo.json"), js, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := UpdateCacheDemo(root, out); err != nil {
		t.Fatal(err)
	}
	ci := readFile(t, root, "docs/ci.md")
	sb := readFile(t, root, "docs/shared-builder.md")
	if !strings.Contains(ci, "| inline | 50.0 s | 3.5MB |") || strings.Contains(ci, "client A") || !strings.Contains(ci, "|\n\n<!-- /cache-demo -->") {
		t.Errorf("docs/ci.md: want the table alone, a blank line after it:\n%s", ci)
	}
	if !strings.Contains(sb, "client A built cold") || strings.Contains(sb, "| inline |") {
		t.Errorf("docs/shared-builder.md: want the shared-builder paragraph alone:\n%s", sb)
	}

	// The table on both pages: refused, and nothing written.
	write("docs/shared-builder.md", "# SB\n\n<!-- cache-demo -->\nold\n<!-- /cache-demo -->\n")
	_, err = UpdateCacheDemo(root, out)
	if err == nil || !strings.Contains(err.Error(), "docs/ci.md and docs/shared-builder.md") {
		t.Errorf("one block on two pages: got %v, want an error naming both", err)
	}
	if got := readFile(t, root, "docs/shared-builder.md"); strings.Contains(got, "| inline |") {
		t.Errorf("a refused update wrote docs/shared-builder.md:\n%s", got)
	}
	write("docs/shared-builder.md", "<!-- cache-demo:nope --><!-- /cache-demo -->\n")
	if _, err := UpdateCacheDemo(root, out); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("an unknown block: got %v, want an error naming it", err)
	}
}

func readFile(t *testing.T, root, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
