package cachedemo

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/go-docker/go-docker/ladder/internal/docker"
)

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
	if err := WaitForRegistry(ctx, d, r.Addr, r.id); err != nil {
		r.Stop()
		return nil, err
	}
	return r, nil
}

// WaitForRegistry waits up to 20 s until the registry in container answers
// on addr; if it does not, the error quotes the container's last log line.
func WaitForRegistry(ctx context.Context, d docker.Docker, addr, container string) error {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	logs, _ := d.CombinedOutput(ctx, "logs", container)
	return fmt.Errorf("the registry container on %s did not answer within 20 s: %s", addr, docker.LastLine(logs))
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
