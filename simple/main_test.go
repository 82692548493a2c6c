package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestRoutes(t *testing.T) {
	tests := []struct {
		name       string
		method     string
		path       string
		wantStatus int
		wantBody   string
	}{
		{"greeting", http.MethodGet, "/", http.StatusOK, "Hello, Docker!\n"},
		{"health", http.MethodGet, "/healthz", http.StatusOK, "ok\n"},
		{"unknown path", http.MethodGet, "/nope", http.StatusNotFound, "404 page not found\n"},
		{"wrong method on greeting", http.MethodPost, "/", http.StatusMethodNotAllowed, "Method Not Allowed\n"},
		{"wrong method on health", http.MethodDelete, "/healthz", http.StatusMethodNotAllowed, "Method Not Allowed\n"},
	}
	mux := newMux()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			if rec.Code != tt.wantStatus {
				t.Errorf("status: got %d, want %d", rec.Code, tt.wantStatus)
			}
			if got := rec.Body.String(); got != tt.wantBody {
				t.Errorf("body: got %q, want %q", got, tt.wantBody)
			}
		})
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
		srv := httptest.NewServer(newMux())
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
	go func() { served <- serve(ctx, newServer(handler), ln) }()

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
