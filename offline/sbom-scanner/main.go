// Command sbom-scanner is the stand-in for docker/buildkit-syft-scanner, the
// image `docker buildx build --sbom=true` runs to make an image's SBOM.
// offline/setup.sh builds it into an image only where that image
// cannot be pulled, so that `--sbom=generator=<image>` works offline too.
//
// It speaks BuildKit's SBOM generator protocol (docs/attestations/
// sbom-protocol.md in moby/buildkit), as the real scanner does, and uses the
// same library, syft, the same way, so its SBOMs list what the real one's do:
//
//   - BUILDKIT_SCAN_SOURCE (required): the rootfs to scan, mounted read-only.
//     Its SBOM goes to <destination>/<basename of the source>.spdx.json;
//     BuildKit names that folder "sbom", so the file is sbom.spdx.json.
//   - BUILDKIT_SCAN_SOURCE_EXTRAS (optional): a folder of more rootfs to scan
//     (build stages or contexts, when the Dockerfile asks for them), one
//     file each, named the same way.
//   - BUILDKIT_SCAN_DESTINATION (required): the folder to write into.
//   - BUILDKIT_SCAN_SELECT_CATALOGERS (optional): syft's cataloger selection
//     (e.g. "+javascript-lock-cataloger"), which BuildKit passes through from
//     `--sbom=generator=<image>,SELECT_CATALOGERS=...`.
//   - LOG_LEVEL: syft's log level (error, warn, info, debug, trace); the
//     image sets warn.
//
// Each file holds one in-toto statement whose predicate is an SPDX JSON
// document; BuildKit fills in the subject (the image) itself.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/anchore/go-logger"
	alogrus "github.com/anchore/go-logger/adapter/logrus"
	"github.com/anchore/syft/syft"
	"github.com/anchore/syft/syft/cataloging"
	"github.com/anchore/syft/syft/cataloging/filecataloging"
	"github.com/anchore/syft/syft/cataloging/pkgcataloging"
	"github.com/anchore/syft/syft/format"
	"github.com/anchore/syft/syft/format/spdxjson"
	"github.com/anchore/syft/syft/source"
	"github.com/anchore/syft/syft/source/directorysource"

	// syft reads the RPM databases of current Red Hat-family images with
	// SQL and leaves the driver to the program; the real scanner registers
	// this pure-Go one, so RPM packages are found here too.
	_ "modernc.org/sqlite"
)

const (
	envDestination = "BUILDKIT_SCAN_DESTINATION"
	envSource      = "BUILDKIT_SCAN_SOURCE"
	envExtras      = "BUILDKIT_SCAN_SOURCE_EXTRAS"
	envSelect      = "BUILDKIT_SCAN_SELECT_CATALOGERS"
	envLogLevel    = "LOG_LEVEL"

	// What BuildKit checks every statement in the destination against.
	statementType = "https://in-toto.io/Statement/v1"
	predicateSPDX = "https://spdx.dev/Document"
)

func main() {
	if err := run(context.Background(), os.LookupEnv); err != nil {
		// One line: BuildKit shows the generator's output in the build log,
		// and a failed SBOM fails the whole build.
		fmt.Fprintf(os.Stderr, "sbom-scanner: %s\n", strings.ReplaceAll(err.Error(), "\n", "; "))
		os.Exit(1)
	}
}

// target is one rootfs to scan; its name is the last part of its path, as
// the protocol says, and names both the SBOM and its output file.
type target struct{ path string }

func (t target) name() string { return filepath.Base(t.path) }

// run reads the protocol's variables through lookup (os.LookupEnv, or a map
// in the tests) and writes one statement per target.
func run(ctx context.Context, lookup func(string) (string, bool)) error {
	if err := setLogger(lookup); err != nil {
		return err
	}
	dest, err := requiredDir(lookup, envDestination)
	if err != nil {
		return err
	}
	core, err := requiredDir(lookup, envSource)
	if err != nil {
		return err
	}
	targets := []target{{core}}
	extras, err := extraTargets(lookup)
	if err != nil {
		return err
	}
	targets = append(targets, extras...)

	// syft unpacks archives it finds (jars, say) into the temporary folder.
	// BuildKit mounts a tmpfs on /tmp, but the image is FROM scratch and has
	// none when run any other way (docker run, to try it); the real scanner
	// makes it too.
	if err := os.MkdirAll(os.TempDir(), 0o1777); err != nil {
		return fmt.Errorf("no temporary folder: %w", err)
	}

	selection := catalogerSelection(lookup)
	for _, t := range targets {
		if err := scan(ctx, t, selection, dest); err != nil {
			return fmt.Errorf("%s: %w", t.path, err)
		}
	}
	return nil
}

// setLogger sends syft's log to stderr at LOG_LEVEL (warn when unset, as
// in the real scanner); a level syft does not know is an error, not silence.
func setLogger(lookup func(string) (string, bool)) error {
	value, ok := lookup(envLogLevel)
	if !ok {
		value = "warn"
	}
	level, err := logger.LevelFromString(value)
	if err != nil {
		return fmt.Errorf("%s=%q: not a log level (use error, warn, info, debug or trace)", envLogLevel, value)
	}
	l, err := alogrus.New(alogrus.Config{EnableConsole: true, Level: level})
	if err != nil {
		return err
	}
	syft.SetLogger(l)
	return nil
}

// requiredDir returns the folder a required variable names.
func requiredDir(lookup func(string) (string, bool), name string) (string, error) {
	p, ok := lookup(name)
	if !ok || p == "" {
		return "", fmt.Errorf("%s is not set: BuildKit sets it when it runs the generator (see BuildKit's docs/attestations/sbom-protocol.md)", name)
	}
	info, err := os.Stat(p)
	if err != nil {
		return "", fmt.Errorf("%s=%q: %w", name, p, err)
	}
	if !info.IsDir() {
		return "", fmt.Errorf("%s=%q is not a folder", name, p)
	}
	return p, nil
}

// extraTargets lists the folders in BUILDKIT_SCAN_SOURCE_EXTRAS. The
// protocol says an unset or empty variable, or a folder that does not
// exist, means no extras; the real scanner fails on the last two, which
// BuildKit never sends.
func extraTargets(lookup func(string) (string, bool)) ([]target, error) {
	dir, _ := lookup(envExtras)
	if dir == "" {
		return nil, nil
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s=%q: %w", envExtras, dir, err)
	}
	var extras []target
	for _, e := range entries {
		extras = append(extras, target{filepath.Join(dir, e.Name())})
	}
	return extras, nil
}

// catalogerSelection picks syft's catalogers as the real scanner does. The
// rootfs is scanned as a folder, but it is an image's filesystem: so the
// catalogers syft runs on images (what is installed: OS packages, Go and
// Rust binaries, ...), not those for a source tree (lock files, go.mod), and
// the file catalogers (file digests in the SPDX files section). Plus the
// one that reads SBOM files shipped inside the image. SELECT_CATALOGERS
// replaces all that with syft's own expression syntax.
func catalogerSelection(lookup func(string) (string, bool)) cataloging.SelectionRequest {
	if expr, ok := lookup(envSelect); ok {
		return cataloging.NewSelectionRequest().WithExpression(strings.Split(expr, ",")...)
	}
	return cataloging.NewSelectionRequest().
		WithDefaults(pkgcataloging.ImageTag, filecataloging.FileTag).
		WithAdditions("sbom-cataloger")
}

// scan writes the SBOM of one target to dest/<name>.spdx.json.
func scan(ctx context.Context, t target, selection cataloging.SelectionRequest, dest string) error {
	// A directory source rooted at the target (Base), so paths in the SBOM
	// are the image's (/server), and symlinks resolve inside the rootfs, not
	// into the scanner's own filesystem. The alias names the SBOM's
	// document after the target, as the real scanner does.
	src, err := directorysource.New(directorysource.Config{
		Path:  t.path,
		Base:  t.path,
		Alias: source.Alias{Name: t.name()},
	})
	if err != nil {
		return fmt.Errorf("cannot read it as a folder: %w", err)
	}
	defer src.Close()

	// The default config names the tool "syft" and its version (from the
	// binary's build information), as the real scanner's SBOMs do.
	s, err := syft.CreateSBOM(ctx, src, syft.DefaultCreateSBOMConfig().WithCatalogerSelection(selection))
	if err != nil {
		return fmt.Errorf("cataloging: %w", err)
	}
	enc, err := spdxjson.NewFormatEncoderWithConfig(spdxjson.DefaultEncoderConfig())
	if err != nil {
		return err
	}
	doc, err := format.Encode(*s, enc)
	if err != nil {
		return fmt.Errorf("encoding SPDX JSON: %w", err)
	}

	// BuildKit reads each file as exactly one JSON object and rejects any
	// whose predicateType is not SPDX's. The subject stays null, as in the
	// real scanner: BuildKit sets it to the image it attaches the SBOM to.
	stmt := struct {
		Type          string          `json:"_type"`
		PredicateType string          `json:"predicateType"`
		Subject       []struct{}      `json:"subject"`
		Predicate     json.RawMessage `json:"predicate"`
	}{statementType, predicateSPDX, nil, doc}
	out, err := json.Marshal(stmt)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dest, t.name()+".spdx.json"), append(out, '\n'), 0o644)
}
