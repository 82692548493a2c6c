// Package cachedemo measures what a remote build cache carries: the final
// rung built cold with a cache export to a registry container, then rebuilt
// on an empty builder from that cache, unchanged and after an edit.
package cachedemo

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/docker"
	"github.com/go-docker/go-docker/ladder/internal/repo"
)

// Report is out/cache-demo.json: the final rung rebuilt on an empty
// builder from a layer cache kept in a registry, once per way of exporting
// that cache.
type Report struct {
	GeneratedAt   time.Time `json:"generated_at"`
	RegistryImage string    `json:"registry_image"` // what ran the registry
	StandInBases  bool      `json:"stand_in_bases"`
	Modes         []Mode    `json:"modes"`
}

// Mode is one way of exporting the layer cache.
type Mode struct {
	// Name is "inline" (the cache metadata rides in the pushed image) or
	// "registry-max" (a cache manifest of its own, every stage's layers:
	// --cache-to type=registry,mode=max).
	Name     string `json:"name"`
	CacheRef string `json:"cache_ref"` // what --cache-from names
	// ColdS: no cache at all, exporting the cache. EmptyBuilderNoopS: an
	// empty builder, --cache-from the registry, nothing changed.
	// EmptyBuilderEditS: the same after a one-line edit.
	ColdS             float64 `json:"cold_s"`
	EmptyBuilderNoopS float64 `json:"empty_builder_noop_s"`
	EmptyBuilderEditS float64 `json:"empty_builder_edit_s"`
	// What the logs showed: the no-op build imported the cache from the
	// registry; how many Dockerfile steps ran or were CACHED.
	ImportedFromRegistry bool       `json:"imported_from_registry"`
	NoopSteps            StepCounts `json:"noop_steps"`
	StepsCachedAfterEdit int        `json:"steps_cached_after_edit"`
	StepsRunAfterEdit    int        `json:"steps_run_after_edit"`
	// PackagesCompiledAfterEdit is how many packages go build -v listed:
	// the GOCACHE mount does not travel, so all of them.
	PackagesCompiledAfterEdit int `json:"packages_compiled_after_edit"`
	// CacheBytes is what the registry stores for CacheRef: the manifest's
	// blobs (for inline, the image itself).
	CacheBytes int64 `json:"cache_bytes"`
}

// StepCounts counts a build's Dockerfile steps.
type StepCounts struct {
	Ran    int `json:"ran"`
	Cached int `json:"cached"`
}

// RegistryLabel marks the registry containers the demo starts, so that make
// distclean finds one a killed demo left behind.
const RegistryLabel = "io.github.go-docker.registry"

// Registry is a registry container published on a loopback port.
type Registry struct {
	Addr  string // 127.0.0.1:port, as the engine pushes to it
	Image string
	d     docker.Docker
	id    string
}

// startRegistry runs the registry image scripts/ensure-docker.sh names
// (registry:3, or a stand-in built from the CNCF Distribution module where
// none can be pulled) as a container on a free loopback port, and waits
// until it answers.
func startRegistry(ctx context.Context, d docker.Docker, root string) (*Registry, error) {
	image, err := d.RegistryImage(ctx, root)
	if err != nil {
		return nil, err
	}
	if _, err := d.Output(ctx, "image", "inspect", image); err != nil {
		return nil, fmt.Errorf("no registry image %s: run make setup-registry", image)
	}
	id, err := d.Output(ctx, "run", "-d", "--label", RegistryLabel+"=true", "-p", "127.0.0.1::5000", image)
	if err != nil {
		return nil, err
	}
	r := &Registry{Image: image, d: d, id: strings.TrimSpace(id)}
	port, err := d.Output(ctx, "port", r.id, "5000/tcp")
	if err != nil {
		r.Stop()
		return nil, err
	}
	r.Addr = strings.TrimSpace(strings.SplitN(strings.TrimSpace(port), "\n", 2)[0])
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + r.Addr + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return r, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	logs, _ := d.CombinedOutput(ctx, "logs", r.id)
	r.Stop()
	return nil, fmt.Errorf("the registry container on %s did not answer within 20 s: %s", r.Addr, docker.LastLine(logs))
}

// Stop removes the registry container and its storage.
func (r *Registry) Stop() {
	r.d.Output(context.Background(), "rm", "-f", "-v", r.id)
}

// Bytes sums the blobs a manifest in the registry refers to, following an
// index into its manifests.
func (r *Registry) Bytes(ctx context.Context, repo, ref string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+r.Addr+"/v2/"+repo+"/manifests/"+ref, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept", strings.Join([]string{
		"application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json",
		"application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.docker.distribution.manifest.v2+json"}, ", "))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("registry: GET manifest %s:%s: %s", repo, ref, resp.Status)
	}
	type desc struct {
		MediaType string `json:"mediaType"`
		Digest    string `json:"digest"`
		Size      int64  `json:"size"`
	}
	var m struct {
		Config    *desc  `json:"config"`
		Layers    []desc `json:"layers"`
		Manifests []desc `json:"manifests"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return 0, fmt.Errorf("registry: manifest %s:%s: %w", repo, ref, err)
	}
	n := int64(len(body))
	if m.Config != nil {
		n += m.Config.Size
	}
	for _, l := range m.Layers {
		n += l.Size
	}
	for _, e := range m.Manifests {
		if strings.Contains(e.MediaType, "manifest") {
			sub, err := r.Bytes(ctx, repo, e.Digest)
			if err != nil {
				return 0, err
			}
			n += sub
		} else {
			n += e.Size // a BuildKit cache index lists its blobs directly
		}
	}
	return n, nil
}

// Run rebuilds the last rung of the catalogue (final) on an empty builder from a registry,
// for each way of exporting the layer cache: inline, and registry mode=max.
// It works in a throwaway copy with cache-mount ids of its own, and removes
// the images, build cache and registry container it made.
func Run(ctx context.Context, d docker.Docker, root, logDir string, progress io.Writer) (Report, error) {
	demo := Report{GeneratedAt: time.Now().UTC(), StandInBases: d.StandInBases()}
	if err := d.Ping(ctx); err != nil {
		return demo, err
	}
	rungs, err := repo.Load(root)
	if err != nil {
		return demo, err
	}
	rung := repo.Last(rungs)
	say := func(format string, a ...any) {
		if progress != nil {
			fmt.Fprintf(progress, "cache-demo: "+format+"\n", a...)
		}
	}
	reg, err := startRegistry(ctx, d, root)
	if err != nil {
		return demo, err
	}
	defer reg.Stop()
	demo.RegistryImage = reg.Image
	say("registry %s on %s", reg.Image, reg.Addr)

	tmp, err := os.MkdirTemp("", "go-docker-cache-demo-")
	if err != nil {
		return demo, err
	}
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "repo")
	if err := repo.Copy(root, dir); err != nil {
		return demo, err
	}
	runID := repo.NewRunID()
	if err := repo.ScopeDockerfile(filepath.Join(dir, rung.Dockerfile), "go-docker-demo"+runID+"-"); err != nil {
		return demo, err
	}
	before, err := d.CacheRecordIDs(ctx)
	if err != nil {
		return demo, err
	}
	local := rung.Image("go-docker-") + ":cache-demo-" + runID
	var pushed []string
	// emptyBuilder removes every image and build-cache record the demo
	// made: the next build starts as on a new CI runner.
	emptyBuilder := func() {
		c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		d.Output(c, append([]string{"image", "rm", "-f", local}, pushed...)...)
		d.PruneCacheSince(c, before)
	}
	defer emptyBuilder()

	build := func(mode, name string, opts docker.BuildOptions) (docker.BuildResult, error) {
		opts.Dir, opts.Dockerfile = dir, rung.Dockerfile
		opts.LogFile = filepath.Join(logDir, "cache-demo-"+mode+"-"+name+".log")
		say("%s: %s build...", mode, name)
		res, err := d.Build(ctx, opts)
		if err != nil {
			return res, fmt.Errorf("cache demo, %s %s build: %w", mode, name, err)
		}
		say("%s: %s build: %.1f s", mode, name, res.Duration.Seconds())
		return res, nil
	}
	main := filepath.Join(dir, rung.Program, "main.go")
	original, err := os.ReadFile(main)
	if err != nil {
		return demo, err
	}

	for _, mode := range []string{"inline", "registry-max"} {
		if err := os.WriteFile(main, original, 0o644); err != nil {
			return demo, err
		}
		m := Mode{Name: mode}
		var cold docker.BuildOptions
		var cacheRepo, cacheTag string
		switch mode {
		case "inline":
			cacheRepo, cacheTag = rung.Image("go-docker-"), "inline-"+runID
			m.CacheRef = reg.Addr + "/" + cacheRepo + ":" + cacheTag
			cold = docker.BuildOptions{Tag: m.CacheRef, NoCache: true, CacheTo: "type=inline"}
			pushed = append(pushed, m.CacheRef)
		case "registry-max":
			cacheRepo, cacheTag = "go-docker-cache", "max-"+runID
			m.CacheRef = reg.Addr + "/" + cacheRepo + ":" + cacheTag
			cold = docker.BuildOptions{Tag: local, NoCache: true, CacheTo: "type=registry,ref=" + m.CacheRef + ",mode=max"}
		}
		res, err := build(mode, "cold", cold)
		if err != nil {
			return demo, err
		}
		m.ColdS = res.Duration.Seconds()
		if mode == "inline" {
			if _, err := d.Output(ctx, "push", m.CacheRef); err != nil {
				return demo, err
			}
		}
		if m.CacheBytes, err = reg.Bytes(ctx, cacheRepo, cacheTag); err != nil {
			return demo, err
		}
		say("%s: %s in the registry as %s; emptying the builder", mode, docker.HumanSize(m.CacheBytes), m.CacheRef)
		emptyBuilder()

		cacheFrom := "type=registry,ref=" + m.CacheRef
		noop, err := build(mode, "empty-builder-noop", docker.BuildOptions{Tag: local, CacheFrom: cacheFrom})
		if err != nil {
			return demo, err
		}
		m.EmptyBuilderNoopS = noop.Duration.Seconds()
		m.NoopSteps.Ran, m.NoopSteps.Cached = noop.Ran()
		_, m.ImportedFromRegistry = noop.Find("importing cache manifest from " + m.CacheRef)
		emptyBuilder()

		// A new runner after a one-line edit: only the registry to help.
		if err := repo.EditGreeting(main, "cache demo "+mode+" "+runID); err != nil {
			return demo, err
		}
		edit, err := build(mode, "empty-builder-edit", docker.BuildOptions{Tag: local, CacheFrom: cacheFrom})
		if err != nil {
			return demo, err
		}
		m.EmptyBuilderEditS = edit.Duration.Seconds()
		m.StepsRunAfterEdit, m.StepsCachedAfterEdit = edit.Ran()
		if b, ok := edit.Find("go build"); ok {
			m.PackagesCompiledAfterEdit = len(b.Output)
		}
		emptyBuilder()
		demo.Modes = append(demo.Modes, m)
	}
	return demo, nil
}
