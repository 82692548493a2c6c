package cachedemo

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// out/cache-demo.json is read by make readme and by readers' own tools:
// its keys stay exactly these.
func TestReportJSONKeys(t *testing.T) {
	rep := Report{GeneratedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), RegistryImage: "registry:3", StandInBases: true,
		Modes: []Mode{{Name: "inline", CacheRef: "127.0.0.1:5000/go-docker-final:inline-1", ColdS: 1.5, EmptyBuilderNoopS: 2, EmptyBuilderEditS: 3,
			ImportedFromRegistry: true, NoopSteps: StepCounts{Ran: 1, Cached: 9}, StepsCachedAfterEdit: 7, StepsRunAfterEdit: 3,
			PackagesCompiledAfterEdit: 42, CacheBytes: 1234}}}
	js, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"generated_at":"2026-01-02T03:04:05Z","registry_image":"registry:3","stand_in_bases":true,"modes":[` +
		`{"name":"inline","cache_ref":"127.0.0.1:5000/go-docker-final:inline-1","cold_s":1.5,"empty_builder_noop_s":2,"empty_builder_edit_s":3,` +
		`"imported_from_registry":true,"noop_steps":{"ran":1,"cached":9},"steps_cached_after_edit":7,"steps_run_after_edit":3,` +
		`"packages_compiled_after_edit":42,"cache_bytes":1234}]}`
	if got := string(js); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Bytes weighs what a cache reference keeps in the registry: the manifest,
// its config and layers, and, through an index, each manifest it lists;
// a BuildKit cache index lists its blobs directly.
func TestRegistryBytes(t *testing.T) {
	manifests := map[string]string{
		"/v2/img/manifests/inline":   `{"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:a","size":99}]}`,
		"/v2/img/manifests/sha256:a": `{"config":{"size":10},"layers":[{"size":100},{"size":1000}]}`,
		"/v2/cache/manifests/max":    `{"manifests":[{"mediaType":"application/vnd.buildkit.cacheconfig.v0","size":5},{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","size":500}]}`,
		"/v2/img/manifests/broken":   `{`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := manifests[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(body))
	}))
	defer srv.Close()
	reg := &Registry{Addr: strings.TrimPrefix(srv.URL, "http://")}
	size := func(path string) int64 { return int64(len(manifests[path])) }
	tests := []struct {
		name, repo, ref string
		want            int64
		wantErr         string
	}{
		{"an index of one image", "img", "inline", size("/v2/img/manifests/inline") + size("/v2/img/manifests/sha256:a") + 10 + 100 + 1000, ""},
		{"a cache index", "cache", "max", size("/v2/cache/manifests/max") + 5 + 500, ""},
		{"no such reference", "img", "nope", 0, "404 Not Found"},
		{"a manifest that is no JSON", "img", "broken", 0, "registry: manifest img:broken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := reg.Bytes(context.Background(), tt.repo, tt.ref)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("got %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %d, %v, want %d", got, err, tt.want)
			}
		})
	}
}
