package registry

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

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

// A container that cannot start says why in one line: its port is taken
// (as the engine words it, either way), or docker's last line.
func TestPortError(t *testing.T) {
	for _, msg := range []string{
		"docker start x: exit status 1: Error response from daemon: driver failed programming external connectivity: Bind for 127.0.0.1:5001 failed: port is already allocated",
		"docker run: exit status 125: listen tcp4 127.0.0.1:5001: bind: address already in use",
	} {
		var taken *PortTakenError
		if err := portError(errors.New(msg), 5001, "x"); !errors.As(err, &taken) || err.Error() != "port 5001 on 127.0.0.1 is taken: use another" {
			t.Errorf("%q: got %v, want the port taken", msg, err)
		}
	}
	err := portError(errors.New("docker run: exit status 125: pulling\nError: no space left on device"), 5001, "could not start the registry container r")
	if err.Error() != "could not start the registry container r: Error: no space left on device" {
		t.Errorf("got %q", err)
	}
}
