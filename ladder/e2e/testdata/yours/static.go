// Package yours stands for a reader's own service in the end-to-end tests:
// its main package is in cmd/yours, it has no dependencies and so no go.sum,
// it serves files it embeds, and it has a .dockerignore of its own.
package yours

import "embed"

// Static holds static/, compiled into the binary: the image needs no copy.
//
//go:embed static
var Static embed.FS
