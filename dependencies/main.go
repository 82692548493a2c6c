// Command dependencies serves the same API as ../simple, built on gin and
// logrus: third-party modules that a Docker build has to download and
// compile, which is what the later rungs of the ladder learn to cache.
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

	"github.com/gin-gonic/gin"
	"github.com/sirupsen/logrus"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// shutdownTimeout bounds how long in-flight requests may take to finish
// after SIGTERM; Docker sends SIGKILL 10 s after SIGTERM by default.
const shutdownTimeout = 5 * time.Second

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stderr))
}

// run is main without os.Exit, so tests can call it.
// Exit codes: 0 success, 1 runtime failure, 2 bad usage or configuration.
func run(args []string, getenv func(string) string, stderr io.Writer) int {
	logger := logrus.New()
	logger.SetOutput(stderr)
	// One JSON object per line: what log collectors for containers expect.
	logger.SetFormatter(&logrus.JSONFormatter{})

	fs := flag.NewFlagSet("dependencies", flag.ContinueOnError)
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
		logger.WithError(err).Error("listen failed")
		return 1
	}
	logger.WithFields(logrus.Fields{"addr": ln.Addr().String(), "version": version}).Info("listening")
	if err := serve(ctx, newServer(newRouter(logger), logger), ln); err != nil {
		logger.WithError(err).Error("server failed")
		return 1
	}
	logger.Info("stopped")
	return 0
}

// newRouter holds the routes, so tests can call ServeHTTP without a network.
func newRouter(logger *logrus.Logger) *gin.Engine {
	// Release mode drops gin's debug banner and route listing.
	gin.SetMode(gin.ReleaseMode)
	// gin.New, not gin.Default: requests are logged by logrus as JSON below,
	// not by gin's text logger.
	r := gin.New()
	// ClientIP is the peer's address: no proxy's X-Forwarded-For is trusted
	// (gin.New trusts every proxy). Behind a load balancer, list its
	// addresses here instead.
	if err := r.SetTrustedProxies(nil); err != nil {
		panic(err) // cannot happen for nil
	}
	// A panic in a handler becomes a 500 and one JSON log line at level
	// error, instead of gin.Recovery's plain-text stack dump.
	r.Use(requestLogger(logger), gin.CustomRecoveryWithWriter(nil, func(c *gin.Context, recovered any) {
		logger.WithFields(logrus.Fields{"panic": fmt.Sprint(recovered), "path": c.Request.URL.Path}).Error("handler panicked")
		c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"error": "internal server error"})
	}))
	// Answer a known path with the wrong method 405, not 404.
	r.HandleMethodNotAllowed = true

	r.GET("/", func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"message": "Hello, Docker!"})
	})
	r.GET("/healthz", func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"status": "ok"})
	})
	r.NoRoute(func(c *gin.Context) {
		c.JSON(http.StatusNotFound, gin.H{"error": "not found"})
	})
	r.NoMethod(func(c *gin.Context) {
		c.JSON(http.StatusMethodNotAllowed, gin.H{"error": "method not allowed"})
	})
	return r
}

// requestLogger logs one structured line per request.
func requestLogger(logger *logrus.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		logger.WithFields(logrus.Fields{
			"method":     c.Request.Method,
			"path":       c.Request.URL.Path,
			"status":     c.Writer.Status(),
			"latency_ms": float64(time.Since(start).Microseconds()) / 1000,
		}).Info("request")
	}
}

// newServer gives the server explicit timeouts: gin's r.Run uses
// http.ListenAndServe, which has none, so one slow client could hold a
// connection open forever. net/http's own errors (a failed TLS handshake, a
// panic it recovered) go to logger as JSON lines at level error.
func newServer(h http.Handler, logger *logrus.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ErrorLog:          log.New(logger.WriterLevel(logrus.ErrorLevel), "", 0),
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
