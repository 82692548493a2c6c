// Package e2e holds the end-to-end tests: they build every rung with a real
// Docker engine and BuildKit, run the images and talk to them over HTTP.
// They carry the build tag e2e, so `go test ./...` in ladder/ runs only the
// unit tests; `make test-e2e` runs these (go test -tags e2e ./e2e).
package e2e
