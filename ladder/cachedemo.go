package ladder

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// CacheDemo is out/cache-demo.json: the final rung rebuilt on an empty
// builder from a layer cache kept in a local registry.
type CacheDemo struct {
	GeneratedAt time.Time `json:"generated_at"`
	// CacheType is how the layer cache travels: "inline" (in the image).
	CacheType string `json:"cache_type"`
	Registry  string `json:"registry"`
	// ColdS: no cache at all. RegistryWarmS: empty builder, --cache-from
	// the registry. LocalWarmS: the builder's own cache, nothing changed.
	ColdS         float64 `json:"cold_s"`
	RegistryWarmS float64 `json:"registry_warm_s"`
	LocalWarmS    float64 `json:"local_warm_s"`
	// EditRegistryWarmS: empty builder, --cache-from the registry, after a
	// one-line edit: the cache mounts did not travel, so Go compiles all.
	EditRegistryWarmS float64 `json:"edit_registry_warm_s"`
	// What the registry-warm build's log showed: it imported the cache
	// manifest from the registry, and how many steps ran or were CACHED.
	ImportedFromRegistry bool       `json:"imported_from_registry"`
	RegistryWarmSteps    StepCounts `json:"registry_warm_steps"`
	EditSteps            StepCounts `json:"edit_registry_warm_steps"`
	// PackagesCompiledAfterEdit is how many packages go build -v listed.
	PackagesCompiledAfterEdit int  `json:"packages_compiled_after_edit"`
	StandInBases              bool `json:"stand_in_bases"`
}

// StepCounts counts a build's Dockerfile steps.
type StepCounts struct {
	Ran    int `json:"ran"`
	Cached int `json:"cached"`
}

// RegistryBin is Debian's package of the CNCF Distribution registry.
const RegistryBin = "docker-registry"

// Registry is a local OCI registry on 127.0.0.1.
type Registry struct {
	Addr string
	cmd  *exec.Cmd
	dir  string
}

// StartRegistry starts a registry on a free loopback port, storing in a
// temporary folder, and waits until it answers.
func StartRegistry(ctx context.Context) (*Registry, error) {
	bin, err := exec.LookPath(RegistryBin)
	if err != nil {
		return nil, fmt.Errorf("%s is not installed: run scripts/ensure-docker.sh registry (Debian package docker-registry)", RegistryBin)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	dir, err := os.MkdirTemp("", "go-docker-registry-")
	if err != nil {
		return nil, err
	}
	config := fmt.Sprintf("version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: %s\n", filepath.Join(dir, "data"), addr)
	if err := os.WriteFile(filepath.Join(dir, "config.yml"), []byte(config), 0o644); err != nil {
		return nil, err
	}
	log, err := os.Create(filepath.Join(dir, "registry.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", filepath.Join(dir, "config.yml"))
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	r := &Registry{Addr: addr, cmd: cmd, dir: dir}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return r, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "registry.log"))
	r.Stop()
	return nil, fmt.Errorf("the registry on %s did not answer within 20 s: %s", addr, lastLine(string(b)))
}

// Stop stops the registry and deletes its storage.
func (r *Registry) Stop() {
	if r.cmd.Process != nil {
		r.cmd.Process.Kill()
		r.cmd.Wait()
	}
	os.RemoveAll(r.dir)
}

// RunCacheDemo builds the final rung cold with an inline layer cache,
// pushes it to reg, empties this demo's local images and build cache, then
// rebuilds from the registry, again locally, and after an edit.
func RunCacheDemo(ctx context.Context, d Docker, repo, logDir string, progress io.Writer) (CacheDemo, error) {
	demo := CacheDemo{CacheType: "inline", GeneratedAt: time.Now().UTC()}
	if err := d.Ping(ctx); err != nil {
		return demo, err
	}
	reg, err := StartRegistry(ctx)
	if err != nil {
		return demo, err
	}
	defer reg.Stop()
	demo.Registry = reg.Addr
	say := func(format string, a ...any) {
		if progress != nil {
			fmt.Fprintf(progress, "cache-demo: "+format+"\n", a...)
		}
	}
	say("registry on %s", reg.Addr)

	tmp, err := os.MkdirTemp("", "go-docker-cache-demo-")
	if err != nil {
		return demo, err
	}
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "repo")
	if err := CopyRepo(repo, dir); err != nil {
		return demo, err
	}
	// Cache-mount ids of its own: the demo starts from empty mounts.
	runID := fmt.Sprintf("%x", time.Now().UnixNano()&0xffffffff)
	dfPath := filepath.Join(dir, "final.Dockerfile")
	df, err := os.ReadFile(dfPath)
	if err != nil {
		return demo, err
	}
	if err := os.WriteFile(dfPath, []byte(ScopeCacheIDs(string(df), "go-docker-demo"+runID+"-")), 0o644); err != nil {
		return demo, err
	}

	ref := reg.Addr + "/go-docker-final:cache"
	local := "go-docker-final:cache-demo-" + runID
	before, err := d.CacheRecordIDs(ctx)
	if err != nil {
		return demo, err
	}
	cleanup := func() error {
		c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		// Either image may not exist yet; rm -f reports that, harmlessly.
		d.Output(c, "image", "rm", "-f", ref, local)
		d.PruneCacheSince(c, before)
		return nil
	}
	defer cleanup()

	build := func(name string, opts BuildOptions) (BuildResult, error) {
		opts.Dir, opts.Dockerfile = dir, "final.Dockerfile"
		opts.LogFile = filepath.Join(logDir, "cache-demo-"+name+".log")
		say("%s build...", name)
		res, err := d.Build(ctx, opts)
		if err != nil {
			return res, fmt.Errorf("cache demo, %s build: %w", name, err)
		}
		say("%s build: %.1f s", name, res.Duration.Seconds())
		return res, nil
	}

	inline := map[string]string{"BUILDKIT_INLINE_CACHE": "1"}
	cold, err := build("cold", BuildOptions{Tag: ref, NoCache: true, BuildArgs: inline})
	if err != nil {
		return demo, err
	}
	demo.ColdS = cold.Duration.Seconds()
	if _, err := d.Output(ctx, "push", ref); err != nil {
		return demo, err
	}
	say("pushed %s; removing the demo's images and build cache", ref)
	if err := cleanup(); err != nil {
		return demo, err
	}

	warm, err := build("registry-warm", BuildOptions{Tag: local, BuildArgs: inline, CacheFrom: ref})
	if err != nil {
		return demo, err
	}
	demo.RegistryWarmS = warm.Duration.Seconds()
	demo.RegistryWarmSteps.Ran, demo.RegistryWarmSteps.Cached = warm.Ran()
	_, demo.ImportedFromRegistry = warm.Find("importing cache manifest from " + ref)

	again, err := build("local-warm", BuildOptions{Tag: local})
	if err != nil {
		return demo, err
	}
	demo.LocalWarmS = again.Duration.Seconds()

	// A new runner after a one-line edit: only the registry to help.
	if err := cleanup(); err != nil {
		return demo, err
	}
	main := filepath.Join(dir, "dependencies", "main.go")
	src, err := os.ReadFile(main)
	if err != nil {
		return demo, err
	}
	if !strings.Contains(string(src), "Hello, Docker!") {
		return demo, errors.New("dependencies/main.go: no greeting line to edit")
	}
	if err := os.WriteFile(main, []byte(strings.Replace(string(src), "Hello, Docker!", "Hello, cache demo "+runID+"!", 1)), 0o644); err != nil {
		return demo, err
	}
	edit, err := build("edit-registry-warm", BuildOptions{Tag: local, CacheFrom: ref})
	if err != nil {
		return demo, err
	}
	demo.EditRegistryWarmS = edit.Duration.Seconds()
	demo.EditSteps.Ran, demo.EditSteps.Cached = edit.Ran()
	if b, ok := edit.Find("go build"); ok {
		demo.PackagesCompiledAfterEdit = len(b.Output)
	}
	demo.StandInBases = d.StandInBases()
	return demo, nil
}
