package docker

import (
	"maps"
	"slices"
	"testing"
)

func TestParseInspect(t *testing.T) {
	data := `[{"Id":"sha256:abc","Size":8481391,"Architecture":"arm64","Os":"linux",
	  "Config":{"User":"65532:65532","Labels":{"io.github.go-docker.stand-in":"true"},
	  "Healthcheck":{"Test":["CMD","/server","-healthcheck"],"Interval":10000000000}},
	  "RootFS":{"Type":"layers","Layers":["sha256:1","sha256:2"]}}]`
	imgs, err := ParseInspect([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(imgs) != 1 {
		t.Fatalf("images: got %d, want 1", len(imgs))
	}
	img := imgs[0]
	if img.Layers != 2 || img.Architecture != "arm64" || img.Config.User != "65532:65532" {
		t.Errorf("image: got %+v", img)
	}
	if got := img.Config.Labels["io.github.go-docker.stand-in"]; got != "true" {
		t.Errorf("stand-in label: got %q, want true", got)
	}
	if img.Config.Healthcheck == nil || img.Config.Healthcheck.Interval.Seconds() != 10 {
		t.Errorf("healthcheck: got %+v, want a 10 s interval", img.Config.Healthcheck)
	}
	if _, err := ParseInspect([]byte("not json")); err == nil {
		t.Error("ParseInspect(not json): got nil error, want one")
	}
}

func TestParseHistorySizes(t *testing.T) {
	total, largest, err := ParseHistorySizes("0\n8261794\n219427\n0\n")
	if err != nil || total != 8481221 || largest != 8261794 {
		t.Errorf("got %d, %d, %v, want 8481221, 8261794, nil", total, largest, err)
	}
	if _, _, err := ParseHistorySizes("8.26MB\n"); err == nil {
		t.Error("human-readable size: got nil error, want one")
	}
}

func TestHumanSize(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "0B"}, {999, "999B"}, {33990, "34kB"}, {8481391, "8.48MB"}, {330_123_456, "330MB"}, {2_200_000, "2.2MB"},
	}
	for _, tt := range tests {
		if got := HumanSize(tt.in); got != tt.want {
			t.Errorf("HumanSize(%d): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCacheMounts(t *testing.T) {
	const df = `[
 {"ID":"b2","CacheType":"exec.cachemount","Description":"cached mount /go/pkg/mod from exec /bin/sh -c go mod download with id \"/go-docker-gomod\""},
 {"ID":"a1*","CacheType":"exec.cachemount","Description":"cached mount /go/pkg/mod from exec /bin/sh -c go build -v -o /out \"${PACKAGE}\" with id \"/go-docker-gomod\""},
 {"ID":"c3","CacheType":"exec.cachemount","Description":"cached mount /root/.cache/go-build from exec /bin/sh -c go build ./... with id \"//root/.cache/go-build\""},
 {"ID":"e5","CacheType":"exec.cachemount","Description":"cached mount /cache from exec /bin/sh -c make"},
 {"ID":"d4","CacheType":"regular","Description":"mount / from exec /bin/sh -c go mod download"}
]`
	recs, err := parseBuildCache([]byte(df))
	if err != nil {
		t.Fatal(err)
	}
	got, err := cacheMounts(recs)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"go-docker-gomod": {"a1", "b2"}, "/root/.cache/go-build": {"c3"}, "/cache": {"e5"}}
	if !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("got %v, want %v", got, want)
	}
	if _, err := parseBuildCache([]byte(`not json`)); err == nil {
		t.Error("parseBuildCache(not json): no error")
	}
	if _, err := cacheMounts([]cacheRecord{{ID: "x", CacheType: "exec.cachemount", Description: "something else"}}); err == nil {
		t.Error("cacheMounts of a record described otherwise: no error")
	}
}
