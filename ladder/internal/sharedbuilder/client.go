package sharedbuilder

import (
	"archive/tar"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-docker/go-docker/ladder/internal/docker"
)

// ClientFiles are the paths buildx's remote driver reads.
type ClientFiles struct{ CA, Cert, Key string }

// CertFiles are the client files of a folder from WriteCerts.
func CertFiles(dir string) ClientFiles {
	abs, _ := filepath.Abs(dir)
	return ClientFiles{filepath.Join(abs, CAFile), filepath.Join(abs, ClientCertFile), filepath.Join(abs, ClientKeyFile)}
}

// CreateBuilder adds a buildx builder named name on the remote driver,
// pointed at the daemon, to d's client configuration.
func CreateBuilder(ctx context.Context, d docker.Docker, name string, b *Daemon, f ClientFiles) error {
	_, err := d.Output(ctx, "buildx", "create", "--name", name, "--driver", "remote",
		"--driver-opt", fmt.Sprintf("cacert=%s,cert=%s,key=%s,servername=%s", f.CA, f.Cert, f.Key, ServerName),
		b.Endpoint())
	return err
}

// NewClient is a Docker client of its own, as a teammate's laptop or a new
// CI runner is: a DOCKER_CONFIG folder dir with no builder, no buildx
// state and no history, talking to the same engine as d (for --load),
// with a remote builder named name. buildx is linked in from d's CLI,
// since a new DOCKER_CONFIG has no plugins of its own.
func NewClient(ctx context.Context, d docker.Docker, dir, name string, b *Daemon, f ClientFiles) (docker.Docker, error) {
	host, err := d.Host(ctx)
	if err != nil {
		return d, err
	}
	out, err := d.Output(ctx, "info", "--format", `{{range .ClientInfo.Plugins}}{{if eq .Name "buildx"}}{{.Path}}{{end}}{{end}}`)
	if err != nil {
		return d, err
	}
	plugin := strings.TrimSpace(out)
	if plugin == "" {
		return d, errors.New("the docker CLI has no buildx plugin: run make setup")
	}
	if err := os.MkdirAll(filepath.Join(dir, "cli-plugins"), 0o700); err != nil {
		return d, err
	}
	if err := os.Symlink(plugin, filepath.Join(dir, "cli-plugins", "docker-buildx")); err != nil && !errors.Is(err, os.ErrExist) {
		return d, err
	}
	c := d
	c.Env = append(append([]string(nil), d.Env...), "DOCKER_CONFIG="+dir, "DOCKER_HOST="+host, "BUILDX_GIT_INFO=0")
	if err := CreateBuilder(ctx, c, name, b, f); err != nil {
		return d, err
	}
	return c, nil
}

// OCILayoutFlags turns --build-context flags that name images in the
// engine (docker-image://, the stand-in bases) into oci-layout:// ones: a
// remote daemon cannot read the engine's images, but the client sends
// an OCI layout through the build session. Each image is saved into a
// folder under dir. Other flags pass through.
func OCILayoutFlags(ctx context.Context, d docker.Docker, flags []string, dir string) ([]string, error) {
	out := make([]string, 0, len(flags))
	for i, f := range flags {
		name, image, ok := strings.Cut(f, "=docker-image://")
		if !ok || i == 0 || flags[i-1] != "--build-context" {
			out = append(out, f)
			continue
		}
		layout := filepath.Join(dir, fmt.Sprintf("base-%d", i))
		digest, err := saveLayout(ctx, d, image, layout)
		if err != nil {
			return nil, err
		}
		out = append(out, name+"=oci-layout://"+layout+"@"+digest)
	}
	return out, nil
}

// saveLayout writes `docker save image` (an OCI layout) into dir and
// returns the digest of the image's entry in its index.
func saveLayout(ctx context.Context, d docker.Docker, image, dir string) (string, error) {
	cmd := d.Command(ctx, "save", image)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return "", err
	}
	xerr := untar(stdout, dir)
	// Read what untar left, or docker save blocks on a full pipe.
	io.Copy(io.Discard, stdout)
	if err := cmd.Wait(); err != nil {
		return "", fmt.Errorf("docker save %s: %v: %s", image, err, strings.TrimSpace(stderr.String()))
	}
	if xerr != nil {
		return "", fmt.Errorf("docker save %s: %w", image, xerr)
	}
	var index struct {
		Manifests []struct{ Digest string } `json:"manifests"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		return "", fmt.Errorf("docker save %s gave no OCI layout (the containerd image store writes one): %w", image, err)
	}
	if err := json.Unmarshal(b, &index); err != nil || len(index.Manifests) == 0 {
		return "", fmt.Errorf("docker save %s: no image in its index.json", image)
	}
	return index.Manifests[0].Digest, nil
}

// untar extracts regular files and folders of r into dir; anything else,
// or a path leaving dir, is an error.
func untar(r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		p := filepath.Join(dir, filepath.FromSlash(h.Name))
		if rel, err := filepath.Rel(dir, p); err != nil || strings.HasPrefix(rel, "..") {
			return fmt.Errorf("%q leaves the folder", h.Name)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			f, err := os.Create(p)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		default:
			// docker save writes only folders and files.
			return fmt.Errorf("%q: unexpected entry type %c", h.Name, h.Typeflag)
		}
	}
}
