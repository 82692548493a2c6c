package release

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/go-docker/go-docker/ladder/internal/docker"
)

// DefaultKey is the private key make release signs with when SIGNING_KEY
// is not given: a key pair made on first use, for this machine only.
const DefaultKey = "out/release/cosign.key"

// A Signer signs a pushed index with cosign and a key pair, and checks
// such a signature: offline, with no transparency log (a registry on
// 127.0.0.1 is private; docs/release.md shows the keyless variant a
// hosted runner uses instead).
type Signer struct {
	Cosign    string // the cosign command
	Key       string // the private key (make release)
	PublicKey string // the public key (make verify-release)
	// HTTP: the registry is the local container, spoken to in plain HTTP.
	HTTP bool
}

// PublicKeyOf is where cosign generate-key-pair puts the public key of
// the private key key: beside it, .key replaced by .pub.
func PublicKeyOf(key string) string { return strings.TrimSuffix(key, ".key") + ".pub" }

// EnsureKey makes the default key pair when it is missing, and says so on
// w; a key the reader named must exist.
func (s Signer) EnsureKey(ctx context.Context, root string, w io.Writer) error {
	key := s.abs(root, s.Key)
	if _, err := os.Stat(key); err == nil {
		return nil
	} else if s.Key != DefaultKey {
		return fmt.Errorf("no signing key at %s: give the path of your cosign private key, SIGNING_KEY=path/cosign.key (cosign generate-key-pair makes one)", s.Key)
	}
	if err := os.MkdirAll(filepath.Dir(key), 0o700); err != nil {
		return err
	}
	if err := GenerateKeyPair(ctx, s.Cosign, key); err != nil {
		return err
	}
	fmt.Fprintf(w, "release: made the signing key pair %s and %s (no password, for this machine; sign a real release with your own key, SIGNING_KEY=path)\n", s.Key, PublicKeyOf(s.Key))
	return nil
}

// GenerateKeyPair makes a cosign key pair with no password: key, and its
// public key beside it (PublicKeyOf).
func GenerateKeyPair(ctx context.Context, cosign, key string) error {
	cmd := exec.CommandContext(ctx, cosign, "generate-key-pair", "--output-key-prefix", strings.TrimSuffix(key, ".key"))
	cmd.Env = append(os.Environ(), "COSIGN_PASSWORD=")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("cosign generate-key-pair: %v: %s", err, docker.LastLine(string(out)))
	}
	return nil
}

// Sign signs ref's index digest (ref without its tag, then @digest): the
// signature names the content, so another image pushed under the tag
// later is not signed by it.
func (s Signer) Sign(ctx context.Context, root, ref, digest string) error {
	dir, err := os.MkdirTemp("", "go-docker-sign-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// An empty signing config: no transparency log, no timestamp
	// authority (cosign v3 refuses --tlog-upload=false).
	config := filepath.Join(dir, "signing-config.json")
	if out, err := s.command(ctx, "signing-config", "create", "--out", config).CombinedOutput(); err != nil {
		return fmt.Errorf("cosign signing-config create: %v: %s", err, docker.LastLine(string(out)))
	}
	args := []string{"sign", "--yes", "--key", s.abs(root, s.Key), "--signing-config", config}
	if s.HTTP {
		args = append(args, "--allow-http-registry")
	}
	cmd := s.command(ctx, append(args, byDigest(ref, digest))...)
	if s.Key == DefaultKey && os.Getenv("COSIGN_PASSWORD") == "" {
		cmd.Env = append(cmd.Env, "COSIGN_PASSWORD=")
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("cosign sign %s: %v: %s", byDigest(ref, digest), err, docker.LastLine(string(out)))
	}
	return nil
}

// Verify checks that a signature by the public key signs ref's index
// digest. It returns "" when one does, or why not, in a few words.
func (s Signer) Verify(ctx context.Context, root, ref, digest string) (string, error) {
	pub := s.abs(root, s.PublicKey)
	if _, err := os.Stat(pub); err != nil {
		return "", fmt.Errorf("no public key at %s to check the release's signature with: give the release's cosign public key, SIGNING_PUB=path/cosign.pub", s.PublicKey)
	}
	args := []string{"verify", "--key", pub, "--insecure-ignore-tlog"}
	if s.HTTP {
		args = append(args, "--allow-http-registry")
	}
	out, err := s.command(ctx, append(args, byDigest(ref, digest))...).CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return "", nil
	case errors.As(err, &exit):
		return strings.TrimPrefix(lastError(string(out)), "Error: "), nil
	default:
		return "", fmt.Errorf("cosign: %v (make setup-cosign installs it)", err)
	}
}

// lastError is cosign's last line that starts with "Error:", or its last
// line.
func lastError(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.HasPrefix(lines[i], "Error:") {
			return strings.TrimSpace(lines[i])
		}
	}
	return docker.LastLine(out)
}

// command is a cosign command whose environment can be added to.
func (s Signer) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, s.Cosign, args...)
	cmd.Env = os.Environ()
	return cmd
}

// abs is path, relative to the repository's root where it is relative.
func (s Signer) abs(root, path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(root, path)
}

// byDigest is ref with its tag replaced by @digest.
func byDigest(ref, digest string) string {
	name := ref
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		name = ref[:i]
	}
	return name + "@" + digest
}
