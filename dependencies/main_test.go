package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/sirupsen/logrus"
)

func TestRoutes(t *testing.T) {
	tests := []struct {
		name       string
		method     string
		path       string
		wantStatus int
		wantBody   map[string]string
	}{
		{"greeting", http.MethodGet, "/", http.StatusOK, map[string]string{"message": "Hello, Docker!"}},
		{"health", http.MethodGet, "/healthz", http.StatusOK, map[string]string{"status": "ok"}},
		{"unknown path", http.MethodGet, "/nope", http.StatusNotFound, map[string]string{"error": "not found"}},
		{"wrong method on greeting", http.MethodPost, "/", http.StatusMethodNotAllowed, map[string]string{"error": "method not allowed"}},
		{"wrong method on health", http.MethodDelete, "/healthz", http.StatusMethodNotAllowed, map[string]string{"error": "method not allowed"}},
	}
	router := newRouter(quietLogger())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			router.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			if rec.Code != tt.wantStatus {
				t.Errorf("status: got %d, want %d", rec.Code, tt.wantStatus)
			}
			if got := rec.Header().Get("Content-Type"); !strings.HasPrefix(got, "application/json") {
				t.Errorf("content type: got %q, want application/json", got)
			}
			var body map[string]string
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %q is not a JSON object: %v", rec.Body.String(), err)
			}
			for k, want := range tt.wantBody {
				if body[k] != want {
					t.Errorf("body[%q]: got %q, want %q", k, body[k], want)
				}
			}
		})
	}
}

func TestRequestLogIsOneJSONLine(t *testing.T) {
	var buf bytes.Buffer
	logger := jsonLogger(&buf)
	router := newRouter(logger)
	router.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/nope", nil))

	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("log lines: got %d, want 1 (%q)", len(lines), buf.String())
	}
	var entry map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &entry); err != nil {
		t.Fatalf("log line %q is not JSON: %v", lines[0], err)
	}
	want := map[string]any{"method": "GET", "path": "/nope", "status": float64(404), "msg": "request"}
	for k, v := range want {
		if entry[k] != v {
			t.Errorf("log field %q: got %v, want %v", k, entry[k], v)
		}
	}
	if _, ok := entry["latency_ms"].(float64); !ok {
		t.Errorf("log field latency_ms: got %v, want a number", entry["latency_ms"])
	}
}

func TestPortFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		want    int
		wantErr bool
	}{
		{"unset defaults to 8080", "", 8080, false},
		{"valid port", "3000", 3000, false},
		{"highest port", "65535", 65535, false},
		{"not a number", "abc", 0, true},
		{"too large", "70000", 0, true},
		{"negative", "-1", 0, true},
		{"zero", "0", 0, true},
		{"trailing text", "80x", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := portFromEnv(func(string) string { return tt.value })
			if (err != nil) != tt.wantErr {
				t.Fatalf("error: got %v, want error %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("port: got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestRunRejectsBadInput(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		port     string
		wantCode int
		wantText string
	}{
		{"port not a number", nil, "abc", 2, `invalid PORT "abc"`},
		{"port too large", nil, "70000", 2, `invalid PORT "70000"`},
		{"port negative", nil, "-1", 2, `invalid PORT "-1"`},
		{"port invalid in healthcheck mode", []string{"-healthcheck"}, "abc", 2, `invalid PORT "abc"`},
		{"unknown flag", []string{"-bogus"}, "", 2, "flag provided but not defined: -bogus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := run(tt.args, func(string) string { return tt.port }, &stderr)
			if code != tt.wantCode {
				t.Errorf("exit code: got %d, want %d", code, tt.wantCode)
			}
			if !strings.Contains(stderr.String(), tt.wantText) {
				t.Errorf("stderr: got %q, want it to contain %q", stderr.String(), tt.wantText)
			}
		})
	}
}

func TestInvalidPortIsOneLine(t *testing.T) {
	var stderr bytes.Buffer
	run(nil, func(string) string { return "abc" }, &stderr)
	if got := strings.Count(stderr.String(), "\n"); got != 1 {
		t.Errorf("lines: got %d, want 1 (%q)", got, stderr.String())
	}
}

func TestCheckHealth(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		wantErr bool
	}{
		{"healthy server", http.StatusOK, false},
		{"unhealthy server", http.StatusServiceUnavailable, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/healthz" {
					t.Errorf("path: got %q, want %q", r.URL.Path, "/healthz")
				}
				w.WriteHeader(tt.status)
			}))
			defer srv.Close()
			err := checkHealth(portOf(t, srv.URL))
			if (err != nil) != tt.wantErr {
				t.Errorf("error: got %v, want error %v", err, tt.wantErr)
			}
		})
	}
	t.Run("nothing listening", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		if err := checkHealth(port); err == nil {
			t.Error("error: got nil, want connection refused")
		}
	})
	t.Run("run exits 0 against the real server", func(t *testing.T) {
		srv := httptest.NewServer(newRouter(quietLogger()))
		defer srv.Close()
		port := strconv.Itoa(portOf(t, srv.URL))
		var stderr bytes.Buffer
		if code := run([]string{"-healthcheck"}, func(string) string { return port }, &stderr); code != 0 {
			t.Errorf("exit code: got %d, want 0 (%s)", code, stderr.String())
		}
	})
}

func TestShutdownFinishesInFlightRequest(t *testing.T) {
	started := make(chan struct{})
	release := make(chan struct{})
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		w.Write([]byte("finished"))
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- serve(ctx, newServer(handler, quietLogger()), ln) }()

	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		got <- result{body: b.String()}
	}()

	<-started
	cancel() // what SIGTERM does in run
	select {
	case err := <-served:
		t.Fatalf("serve returned %v while a request was still in flight", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)

	r := <-got
	if r.err != nil || r.body != "finished" {
		t.Errorf("in-flight request: got %q, %v, want %q, nil", r.body, r.err, "finished")
	}
	if err := <-served; err != nil {
		t.Errorf("serve: got %v, want nil", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/"); err == nil {
		t.Error("after shutdown: got a response, want connection refused")
	}
}

// quietLogger discards the request log, for tests that don't read it.
// jsonLogger logs JSON lines to w, as run's logger does.
func jsonLogger(w io.Writer) *logrus.Logger {
	l := logrus.New()
	l.SetOutput(w)
	l.SetFormatter(&logrus.JSONFormatter{})
	return l
}

func quietLogger() *logrus.Logger {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return l
}

// portOf returns the port of a test server's URL.
func portOf(t *testing.T, rawURL string) int {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	port, err := strconv.Atoi(u.Port())
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// jsonLines parses every line of buf as a JSON object.
func jsonLines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", l, err)
		}
		lines = append(lines, m)
	}
	return lines
}

func TestPanicInAHandlerIsA500AndOneJSONErrorLine(t *testing.T) {
	var buf bytes.Buffer
	logger := jsonLogger(&buf)
	router := newRouter(logger)
	router.GET("/boom", func(c *gin.Context) { panic("boom") })

	rec := httptest.NewRecorder()
	router.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/boom", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Errorf("status: got %d, want 500", rec.Code)
	}
	var errors []map[string]any
	for _, l := range jsonLines(t, &buf) {
		if l["level"] == "error" {
			errors = append(errors, l)
		}
	}
	if len(errors) != 1 || errors[0]["panic"] != "boom" {
		t.Errorf("error lines: got %v, want one with panic=boom", errors)
	}
}

// lockedBuffer is a bytes.Buffer safe for a writer goroutine and a reader.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) snapshot() *bytes.Buffer {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.NewBuffer(bytes.Clone(b.buf.Bytes()))
}

func TestNetHTTPErrorsAreJSONLines(t *testing.T) {
	var out lockedBuffer
	logger := jsonLogger(&out)
	srv := newServer(http.NotFoundHandler(), logger)
	srv.ErrorLog.Printf("http: TLS handshake error from %s: EOF", "10.0.0.1:1234")
	// logrus's writer hands lines over through a pipe: wait for the line.
	deadline := time.Now().Add(2 * time.Second)
	for !strings.Contains(out.snapshot().String(), "\n") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	lines := jsonLines(t, out.snapshot())
	if len(lines) != 1 || lines[0]["level"] != "error" || !strings.Contains(fmt.Sprint(lines[0]["msg"]), "TLS handshake error") {
		t.Errorf("net/http error log: got %v, want one JSON line at level error", lines)
	}
}

func TestClientIPIgnoresForwardedForFromUntrustedPeers(t *testing.T) {
	router := newRouter(quietLogger())
	var got string
	router.GET("/ip", func(c *gin.Context) { got = c.ClientIP() })
	req := httptest.NewRequest(http.MethodGet, "/ip", nil)
	req.RemoteAddr = "192.0.2.7:4321"
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	router.ServeHTTP(httptest.NewRecorder(), req)
	if got != "192.0.2.7" {
		t.Errorf("ClientIP with a spoofed X-Forwarded-For: got %q, want the peer 192.0.2.7", got)
	}
}
