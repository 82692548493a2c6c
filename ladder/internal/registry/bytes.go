package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Bytes sums the blobs a manifest in the registry refers to, following an
// index into its manifests: what the registry stores for repo:ref.
func (r *Registry) Bytes(ctx context.Context, repo, ref string) (int64, error) {
	body, err := r.manifest(ctx, repo, ref)
	if err != nil {
		return 0, err
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

// manifest reads repo:ref's manifest, of any of the kinds an image or a
// cache export pushes.
func (r *Registry) manifest(ctx context.Context, repo, ref string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+r.Addr+"/v2/"+repo+"/manifests/"+ref, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", strings.Join([]string{
		"application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json",
		"application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.docker.distribution.manifest.v2+json"}, ", "))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("registry: GET manifest %s:%s: %s", repo, ref, resp.Status)
	}
	return body, nil
}
