// Command simple is the smallest program in the ladder: an HTTP server that
// uses only Go's standard library, so its image size is about Docker, not
// about dependencies.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// shutdownTimeout bounds how long in-flight requests may take to finish
// after SIGTERM; Docker sends SIGKILL 10 s after SIGTERM by default.
const shutdownTimeout = 5 * time.Second

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stderr))
}

// run is main without os.Exit, so tests can call it.
// Exit codes: 0 success, 1 runtime failure, 2 bad usage or configuration.
func run(args []string, getenv func(string) string, stderr io.Writer) int {
	logger := log.New(stderr, "", log.LstdFlags)

	fs := flag.NewFlagSet("simple", flag.ContinueOnError)
	fs.SetOutput(stderr)
	healthcheck := fs.Bool("healthcheck", false, "GET /healthz on the local port and exit 0 if healthy, 1 if not (for Docker's HEALTHCHECK)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}

	port, err := portFromEnv(getenv)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}

	if *healthcheck {
		if err := checkHealth(port); err != nil {
			fmt.Fprintln(stderr, "unhealthy:", err)
			return 1
		}
		return 0
	}

	// Stop on SIGTERM (docker stop) and SIGINT (Ctrl-C) by shutting down
	// gracefully. Without this, the Go runtime exits at once on SIGTERM with
	// status 2, cutting off requests in flight; with it, they finish and the
	// exit code is 0.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()

	ln, err := net.Listen("tcp", ":"+strconv.Itoa(port))
	if err != nil {
		logger.Print(err)
		return 1
	}
	logger.Printf("listening on %s", ln.Addr())
	if err := serve(ctx, newServer(newMux()), ln); err != nil {
		logger.Print(err)
		return 1
	}
	logger.Print("stopped")
	return 0
}

// newMux holds the routes, so tests can call ServeHTTP without a network.
func newMux() *http.ServeMux {
	mux := http.NewServeMux()
	// "/{$}" matches "/" only; other paths get the mux's 404, and other
	// methods its 405.
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "Hello, Docker!")
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	return mux
}

// newServer gives the server explicit timeouts: http.ListenAndServe has
// none, so one slow client could hold a connection open forever.
func newServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
}

// serve runs srv on ln until ctx is done, then lets in-flight requests
// finish for up to shutdownTimeout.
func serve(ctx context.Context, srv *http.Server, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		// The server stopped on its own: that is always an error.
		return err
	case <-ctx.Done():
	}

	// Stop accepting new connections and wait for active ones, but not
	// past the deadline.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// portFromEnv reads $PORT, defaulting to 8080.
func portFromEnv(getenv func(string) string) (int, error) {
	v := getenv("PORT")
	if v == "" {
		return 8080, nil
	}
	port, err := strconv.Atoi(v)
	if err != nil || port < 1 || port > 65535 {
		return 0, fmt.Errorf("invalid PORT %q: set PORT to a number from 1 to 65535, or unset it for 8080", v)
	}
	return port, nil
}

// checkHealth asks the server on the local port for /healthz. It lets an
// image with no shell and no curl have a HEALTHCHECK.
func checkHealth(port int) error {
	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get("http://127.0.0.1:" + strconv.Itoa(port) + "/healthz")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /healthz: %s", resp.Status)
	}
	return nil
}
